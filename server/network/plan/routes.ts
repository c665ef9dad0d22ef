import { badInput } from "../../errors";
import type { TNetOp } from "../ops";
import type { TRoute } from "../parse-routes";
import type { TRoutingRule } from "../parse-rules";
import { parseIpv4, parsePrefix, prefixContains, routePrefix } from "../../../lib/ipv4";
import { addRoute, addRule, findLink, removeRoute, removeRule, tableLabel, type Net } from "./project";
import { change, inPlace, type OpAt, type OpResult } from "./types";

// Routes, policy rules and routing table names. Tables always reach argv as NUMBERS, so
// no command depends on a name being known to ip. A name is a line "ID NAME" in
// Labdeck's own rt_tables.d file (iproute2 reads rt_tables.d/*.conf), whose path the
// caller gives: under the host's persistence root, since a test host shares /etc with the
// machine. Routes compare by what the kernel keys them on (table, dst,
// metric): `ip route add` of a different route with the same key fails with "File
// exists", so such an op is refused here rather than on the host.

type RouteOp<K extends string> = Extract<TNetOp, { op: K }>;

const BUILTIN: Record<string, number> = { main: 254, local: 255, default: 253 };

export function resolveTable(net: Net, ref: string | number, at: OpAt): number {
  if (typeof ref === "number") return ref;
  const id = net.rtTables.find((t) => t.name === ref)?.id ?? BUILTIN[ref];
  if (id === undefined) throw badInput(at.field("table"), `unknown routing table "${ref}": name it first (rttable.add) or use its number`);
  return id;
}

/** The up link a gateway is directly reachable through: the longest link-scope route containing it. */
function gatewayDev(net: Net, gw: string, table: number, dev: string | undefined): string | null {
  const ip = parseIpv4(gw);
  if (ip === null) return null;
  let best: { dev: string; len: number } | null = null;
  for (const r of net.routes) {
    if (r.family !== "inet" || r.gateway !== null || r.type !== "unicast" || r.dev === null) continue;
    if (r.tableId !== table && r.tableId !== 254) continue;
    if (dev !== undefined && r.dev !== dev) continue;
    const p = parsePrefix(r.dst);
    if (p && prefixContains(p, ip) && (!best || p.length > best.len)) best = { dev: r.dev, len: p.length };
  }
  return best?.dev ?? null;
}

function routeArgs(
  r: { dst: string; via?: string | null; dev?: string | null; src?: string | null; metric?: number | null },
  table: number,
): string[] {
  return [
    r.dst,
    ...(r.via ? ["via", r.via] : []),
    ...(r.dev ? ["dev", r.dev] : []),
    ...(r.src ? ["src", r.src] : []),
    ...(r.metric ? ["metric", String(r.metric)] : []),
    "table",
    String(table),
  ];
}

function describeRoute(r: { dst: string; via?: string | null; dev?: string | null }, label: string): string {
  return `${r.dst}${r.via ? ` via ${r.via}` : ""}${r.dev ? ` dev ${r.dev}` : ""} in table ${label}`;
}

export function planRouteAdd(net: Net, op: RouteOp<"route.add">, at: OpAt): OpResult {
  const table = resolveTable(net, op.table, at);
  const label = tableLabel(net, table);
  const dst = routePrefix(op.dst);
  if (!op.via && !op.dev) throw badInput(at.field("dev"), "a route needs a gateway (via) or a device (dev)");
  if (op.dev !== undefined) {
    const link = findLink(net, op.dev);
    if (!link) throw badInput(at.field("dev"), `${op.dev} does not exist (on the host or after the earlier ops)`);
    if (!link.adminUp) throw badInput(at.field("dev"), `${op.dev} is down: the kernel refuses a route through a down link`);
  }
  let dev = op.dev ?? null;
  if (op.via) {
    const through = gatewayDev(net, op.via, table, op.dev);
    if (!through)
      throw badInput(at.field("via"), `gateway ${op.via} is not on a network directly connected${op.dev ? ` to ${op.dev}` : ""}`);
    dev = through;
  }
  if (op.src && !net.links.some((l) => l.addresses.some((a) => a.address === op.src))) {
    throw badInput(at.field("src"), `${op.src} is not an address of this host`);
  }
  // ip prints no metric for 0: both mean the same route.
  const metric = op.metric ? op.metric : null;
  const sameKey = net.routes.filter((r) => r.family === "inet" && r.tableId === table && r.dst === dst && r.metric === metric);
  const equal = sameKey.find(
    (r) => r.type === "unicast" && r.gateway === (op.via ?? null) && r.dev === dev && (!op.src || r.prefsrc === op.src),
  );
  if (equal) return inPlace(`route ${describeRoute({ dst, via: op.via, dev }, label)} exists`);
  const other = sameKey[0];
  if (other) {
    throw badInput(
      at.field("dst"),
      `table ${label} already has a ${other.type} route to ${dst}${metric ? ` metric ${metric}` : ""} (${describeRoute({ dst, via: other.gateway, dev: other.dev }, label)}): delete it first`,
    );
  }
  const spec = { dst, via: op.via, dev: op.dev, src: op.src, metric };
  addRoute(net, {
    table: label,
    tableId: table,
    dst,
    family: "inet",
    type: "unicast",
    gateway: op.via ?? null,
    dev,
    protocol: null,
    scope: op.via ? null : "link",
    metric,
    prefsrc: op.src ?? null,
    flags: [],
  });
  return change(`add route ${describeRoute({ dst, via: op.via, dev }, label)}`, [
    {
      argv: ["ip", "route", "add", ...routeArgs(spec, table)],
      purpose: `add route ${describeRoute(spec, label)}`,
      undo: ["ip", "route", "del", ...routeArgs(spec, table)],
    },
  ]);
}

export function planRouteDelete(net: Net, op: RouteOp<"route.delete">, at: OpAt): OpResult {
  const table = resolveTable(net, op.table, at);
  const label = tableLabel(net, table);
  const dst = routePrefix(op.dst);
  const metric = op.metric ? op.metric : null;
  const found: TRoute | undefined = net.routes.find(
    (r) =>
      r.family === "inet" &&
      r.tableId === table &&
      r.dst === dst &&
      r.metric === metric &&
      (op.via === undefined || r.gateway === op.via) &&
      (op.dev === undefined || r.dev === op.dev) &&
      (op.src === undefined || r.prefsrc === op.src),
  );
  if (!found) return inPlace(`no route ${describeRoute({ dst, via: op.via, dev: op.dev }, label)}`);
  removeRoute(net, found);
  const del = { dst, via: op.via, dev: op.dev, src: op.src, metric };
  const back = { dst, via: found.gateway, dev: found.dev, src: found.prefsrc, metric };
  return change(`delete route ${describeRoute(back, label)}`, [
    {
      argv: ["ip", "route", "del", ...routeArgs(del, table)],
      purpose: `delete route ${describeRoute(back, label)}`,
      // Kernel routes come back with their address; re-adding one by hand would fail.
      ...(found.type === "unicast" && found.protocol !== "kernel" ? { undo: ["ip", "route", "add", ...routeArgs(back, table)] } : {}),
    },
  ]);
}

interface RuleKey {
  priority: number;
  from: string;
  to: string | null;
  iif: string | null;
  fwmark: string | null;
  table: number;
}

/** The op's selectors as `ip -j rule` prints them (parse-rules.ts): "all", bare hosts, hex marks. */
function ruleKey(net: Net, op: RouteOp<"iprule.add" | "iprule.delete">, at: OpAt): RuleKey {
  const norm = (v: string | undefined) => {
    if (v === undefined) return null;
    const p = routePrefix(v);
    return p === "default" ? null : p;
  };
  return {
    priority: op.priority,
    from: norm(op.from) ?? "all",
    to: norm(op.to),
    iif: op.iif ?? null,
    fwmark: op.fwmark === undefined ? null : `0x${op.fwmark.toString(16)}`,
    table: resolveTable(net, op.table, at),
  };
}

function ruleArgs(k: RuleKey): string[] {
  return [
    "priority",
    String(k.priority),
    ...(k.from !== "all" ? ["from", k.from] : []),
    ...(k.to ? ["to", k.to] : []),
    ...(k.iif ? ["iif", k.iif] : []),
    ...(k.fwmark ? ["fwmark", k.fwmark] : []),
    "lookup",
    String(k.table),
  ];
}

function findRule(net: Net, k: RuleKey): TRoutingRule | undefined {
  return net.rules.find(
    (r) =>
      r.priority === k.priority &&
      !r.not &&
      r.action === "lookup" &&
      r.from === k.from &&
      r.to === k.to &&
      r.iif === k.iif &&
      r.oif === null &&
      r.fwmark === k.fwmark &&
      r.tableId === k.table,
  );
}

function describeRule(net: Net, k: RuleKey): string {
  return `rule ${k.priority}: from ${k.from}${k.to ? ` to ${k.to}` : ""}${k.iif ? ` iif ${k.iif}` : ""}${k.fwmark ? ` fwmark ${k.fwmark}` : ""} lookup ${tableLabel(net, k.table)}`;
}

export function planIpRule(net: Net, op: RouteOp<"iprule.add" | "iprule.delete">, at: OpAt): OpResult {
  const k = ruleKey(net, op, at);
  const found = findRule(net, k);
  const text = describeRule(net, k);
  const add = ["ip", "rule", "add", ...ruleArgs(k)];
  const del = ["ip", "rule", "del", ...ruleArgs(k)];
  if (op.op === "iprule.add") {
    if (found) return inPlace(`${text} exists`);
    addRule(net, {
      priority: k.priority,
      not: false,
      from: k.from,
      to: k.to,
      iif: k.iif,
      oif: null,
      fwmark: k.fwmark,
      table: tableLabel(net, k.table),
      tableId: k.table,
      action: "lookup",
    });
    return change(`add ${text}`, [{ argv: add, purpose: `add policy ${text}`, undo: del }]);
  }
  if (!found) return inPlace(`no ${text}`);
  removeRule(net, found);
  return change(`delete ${text}`, [{ argv: del, purpose: `delete policy ${text}`, undo: add }]);
}

function relabel(net: Net, id: number): void {
  const label = tableLabel(net, id);
  for (const r of net.routes) if (r.tableId === id) r.table = label;
  for (const r of net.rules) if (r.tableId === id) r.table = label;
  const byTable: Record<string, TRoute[]> = {};
  for (const r of net.routes) (byTable[r.table] ??= []).push(r);
  net.routesByTable = byTable;
}

// Constant scripts; the file, id and name are arguments (id and name checked by ZNetOp).
const ADD_NAME = 'mkdir -p "${1%/*}" && touch "$1" && { grep -qx "$2 $3" "$1" || printf "%s %s\\n" "$2" "$3" >> "$1"; }';
const REMOVE_NAME = '[ ! -e "$1" ] || { { grep -vx "$2 $3" "$1" || true; } > "$1.labdeck-new" && mv "$1.labdeck-new" "$1"; }';

/** Names a table in Labdeck's rt_tables.d file (and forgets it); the projection follows. */
export function planRtTable(net: Net, op: RouteOp<"rttable.add" | "rttable.delete">, at: OpAt, file: string): OpResult {
  const byName = net.rtTables.find((t) => t.name === op.name);
  if (byName && byName.id !== op.id) throw badInput(at.field("name"), `"${op.name}" already names table ${byName.id}`);
  const add = ["sh", "-c", ADD_NAME, "sh", file, String(op.id), op.name];
  const remove = ["sh", "-c", REMOVE_NAME, "sh", file, String(op.id), op.name];
  if (op.op === "rttable.add") {
    if (byName) return inPlace(`table ${op.id} is named "${op.name}"`);
    const byId = net.rtTables.find((t) => t.id === op.id);
    if (byId) throw badInput(at.field("id"), `table ${op.id} is already named "${byId.name}"`);
    net.rtTables.push({ id: op.id, name: op.name });
    relabel(net, op.id);
    return {
      status: "change",
      summary: `name table ${op.id} "${op.name}"`,
      steps: [{ argv: add, purpose: `name routing table ${op.id} "${op.name}" in ${file}`, undo: remove }],
    };
  }
  if (!byName) return inPlace(`no table named "${op.name}"`);
  net.rtTables = net.rtTables.filter((t) => t !== byName);
  relabel(net, op.id);
  return {
    status: "change",
    summary: `forget the name "${op.name}" of table ${op.id}`,
    steps: [{ argv: remove, purpose: `remove the name "${op.name}" of table ${op.id} from ${file}`, undo: add }],
  };
}
