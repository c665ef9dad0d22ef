import { isIpv4, isIpv4Cidr } from "@/lib/ipv4";
import { isTableRefText } from "@/lib/names";
import type { TNetOpInput, TNetRoute, TNetRule } from "./network-types";

// Routes, policy rules and table names as read -> the ops that delete them, and the
// route/rule forms' strings -> the ops that add them. Only what the op vocabulary can say
// gets a delete: IPv6 routes, the local table, built-in rules (priority 0, 32766, 32767)
// and masked fwmarks are shown but left to a person.

type RouteOp = Extract<TNetOpInput, { op: "route.add" }>;
type RuleOp = Extract<TNetOpInput, { op: "iprule.add" }>;

export function tableRef(table: string): number | string {
  return /^\d+$/.test(table) ? Number(table) : table;
}

export function routeDeleteOp(r: TNetRoute): TNetOpInput | null {
  if (r.family !== "inet" || r.table === "local" || r.type !== "unicast") return null;
  if (r.dst !== "default" && !isIpv4(r.dst) && !isIpv4Cidr(r.dst)) return null;
  return {
    op: "route.delete",
    table: tableRef(r.table),
    dst: r.dst,
    ...(r.gateway ? { via: r.gateway } : {}),
    ...(r.dev ? { dev: r.dev } : {}),
    ...(r.metric !== null ? { metric: r.metric } : {}),
  };
}

function ruleAddress(v: string | null): string | undefined {
  return v === null || v === "all" ? undefined : v;
}

export function ipRuleDeleteOp(r: TNetRule): TNetOpInput | null {
  if (r.priority < 1 || r.priority > 32765 || r.not || r.action !== "lookup" || r.table === null || r.oif !== null) return null;
  if (r.fwmark !== null && r.fwmark.includes("/")) return null;
  const fwmark = r.fwmark === null ? undefined : Number(r.fwmark);
  if (fwmark !== undefined && !Number.isInteger(fwmark)) return null;
  const from = ruleAddress(r.from);
  const to = ruleAddress(r.to);
  return {
    op: "iprule.delete",
    priority: r.priority,
    table: tableRef(r.table),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(r.iif ? { iif: r.iif } : {}),
    ...(fwmark !== undefined ? { fwmark } : {}),
  };
}

const DST_ERROR = '"default", an address or a CIDR';

export interface RouteFormFields {
  table: string;
  dst: string;
  via: string;
  dev: string;
  src: string;
  metric: string;
}

export function routeAddOp(f: RouteFormFields): { ok: true; op: RouteOp } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (f.dst !== "default" && !isIpv4(f.dst) && !isIpv4Cidr(f.dst)) errors.dst = DST_ERROR;
  if (f.via && !isIpv4(f.via)) errors.via = "An IPv4 address";
  if (f.src && !isIpv4(f.src)) errors.src = "An IPv4 address";
  if (!f.via && !f.dev) errors.dev = "A route needs a gateway or a device";
  if (f.metric && !/^\d+$/.test(f.metric)) errors.metric = "A number";
  if (f.table && !isTableRefText(f.table)) errors.table = "A table name or number";
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    op: {
      op: "route.add",
      table: tableRef(f.table || "main"),
      dst: f.dst,
      ...(f.via ? { via: f.via } : {}),
      ...(f.dev ? { dev: f.dev } : {}),
      ...(f.src ? { src: f.src } : {}),
      ...(f.metric ? { metric: Number(f.metric) } : {}),
    },
  };
}

export interface RuleFormFields {
  priority: string;
  from: string;
  to: string;
  iif: string;
  fwmark: string;
  table: string;
}

export function ipRuleAddOp(f: RuleFormFields): { ok: true; op: RuleOp } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const priority = Number(f.priority);
  if (!/^\d+$/.test(f.priority) || priority < 1 || priority > 32765) errors.priority = "1 to 32765";
  for (const key of ["from", "to"] as const)
    if (f[key] && f[key] !== "default" && !isIpv4(f[key]) && !isIpv4Cidr(f[key])) errors[key] = DST_ERROR;
  if (f.fwmark && !/^(0x[0-9a-fA-F]+|\d+)$/.test(f.fwmark)) errors.fwmark = "A number such as 2 or 0x2";
  if (!isTableRefText(f.table)) errors.table = "A table name or number";
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    op: {
      op: "iprule.add",
      priority,
      table: tableRef(f.table),
      ...(f.from ? { from: f.from } : {}),
      ...(f.to ? { to: f.to } : {}),
      ...(f.iif ? { iif: f.iif } : {}),
      ...(f.fwmark ? { fwmark: Number(f.fwmark) } : {}),
    },
  };
}

const BUILTIN_TABLES: Record<number, string> = { 253: "default", 254: "main", 255: "local" };

/**
 * How Labdeck shows a table everywhere: by the name the host's read knows for it
 * (including names Labdeck wrote under a test host's persistence root, which `ip`
 * itself never reads), else the number.
 */
export function tableName(net: Pick<THostNetworkLike, "rtTables">, table: string | number | undefined): string {
  if (table === undefined) return "main";
  const id = typeof table === "number" ? table : /^\d+$/.test(table) ? Number(table) : null;
  if (id === null) return String(table);
  return net.rtTables.find((t) => t.id === id)?.name ?? BUILTIN_TABLES[id] ?? String(id);
}

type THostNetworkLike = { rtTables: { id: number; name: string }[] };

/** Every selector of a policy rule, in `ip rule` words: the pending label says what will be added. */
export function ipRuleLabel(net: Pick<THostNetworkLike, "rtTables">, op: RuleOp): string {
  const sel = [
    op.from ? `from ${op.from}` : "",
    op.to ? `to ${op.to}` : "",
    op.iif ? `iif ${op.iif}` : "",
    op.fwmark !== undefined ? `fwmark 0x${op.fwmark.toString(16)}` : "",
  ].filter(Boolean);
  return `Add ip rule ${op.priority}: ${sel.length > 0 ? sel.join(" ") : "from all"} lookup ${tableName(net, op.table)}`;
}

/**
 * The multi-gateway recipe's first half in one edit: every IPv4 route of the main table
 * except the default, added to `table` as it is (device, gateway, source, metric), so the
 * table reaches the local networks and only its own default differs. Routes through a
 * link that is down are left out: the kernel refuses them.
 */
export function copyMainRoutesOps(
  net: { routes: TNetRoute[]; links: { name: string; adminUp: boolean }[] },
  table: number | string,
): RouteOp[] {
  const up = new Set(net.links.filter((l) => l.adminUp).map((l) => l.name));
  return net.routes
    .filter(
      (r) =>
        r.family === "inet" && r.table === "main" && r.type === "unicast" && r.dst !== "default" && (isIpv4(r.dst) || isIpv4Cidr(r.dst)),
    )
    .filter((r) => r.dev === null || up.has(r.dev))
    .map((r) => ({
      op: "route.add" as const,
      table,
      dst: r.dst,
      ...(r.gateway ? { via: r.gateway } : {}),
      ...(r.dev ? { dev: r.dev } : {}),
      ...(r.prefsrc ? { src: r.prefsrc } : {}),
      ...(r.metric !== null ? { metric: r.metric } : {}),
    }));
}
