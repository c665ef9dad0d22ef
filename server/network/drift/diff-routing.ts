import type { THostNetwork } from "../network-model";
import type { TRoute } from "../parse-routes";
import type { TRoutingRule } from "../parse-rules";
import { isDefaultRule } from "../persist/ip-words";
import { item, type RtTableState, type TypedDriftItem } from "./types";

// Routes, policy rules, routing table names and IPv4 forwarding. Routes and rules are
// matched by what identifies them to the kernel (table + destination + metric; priority
// + selectors), and "changed" when what they do differs (gateway, device, source; the
// table looked up). Tables are compared by number, never by name: a host whose rt_tables
// lacks a name prints the number for the same table.

/** Made by the kernel (connected routes, IPv6 router adverts, ICMP redirects): never drift. */
const KERNEL_MADE = new Set(["kernel", "ra", "redirect"]);
const BUILTIN_TABLE_IDS: ReadonlySet<number> = new Set([0, 253, 254, 255]);

export function tableLabel(r: { table: string; tableId: number | null }): string {
  if (r.tableId === 254 || (r.tableId === null && r.table === "main")) return "main";
  return `table ${r.tableId ?? r.table}`;
}

function routeKey(r: TRoute): string {
  return `route ${r.family === "inet6" ? "inet6 " : ""}${tableLabel(r)} ${r.dst}${r.metric !== null ? ` metric ${r.metric}` : ""}`;
}

export function routeText(r: TRoute): string {
  const parts = [
    r.type === "unicast" ? null : r.type,
    r.gateway ? `via ${r.gateway}` : null,
    r.dev ? `dev ${r.dev}` : null,
    r.prefsrc ? `src ${r.prefsrc}` : null,
  ];
  return parts.filter(Boolean).join(" ") || "no next hop";
}

/** Keyed by routeKey; a second route with the same key (should not happen) keeps its own key. */
function keyed<T>(list: T[], key: (x: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (const x of list) {
    const k = key(x);
    let unique = k;
    for (let n = 2; out.has(unique); n++) unique = `${k} #${n}`;
    out.set(unique, x);
  }
  return out;
}

function managedRoutes(net: THostNetwork, skipDevs: (dev: string) => boolean): TRoute[] {
  return net.routes.filter(
    (r) =>
      r.tableId !== 255 &&
      r.table !== "local" &&
      !(r.protocol !== null && KERNEL_MADE.has(r.protocol)) &&
      !(r.dev !== null && skipDevs(r.dev)),
  );
}

function diffRoutes(
  recorded: THostNetwork,
  actual: THostNetwork,
  ignore: ReadonlySet<string>,
  hostOnly: ReadonlySet<string>,
): TypedDriftItem[] {
  const lo = (net: THostNetwork) => new Set(net.links.filter((l) => l.kind === "loopback").map((l) => l.name));
  const recLo = lo(recorded);
  const actLo = lo(actual);
  const rec = keyed(
    managedRoutes(recorded, (d) => ignore.has(d) || recLo.has(d)),
    routeKey,
  );
  const act = keyed(
    managedRoutes(actual, (d) => ignore.has(d) || hostOnly.has(d) || actLo.has(d)),
    routeKey,
  );
  const out: TypedDriftItem[] = [];
  for (const [key, r] of rec) {
    const a = act.get(key);
    const name = `Route ${tableLabel(r)} ${r.dst}`;
    if (!a) out.push(item("route", key, r, null, `${name} (${routeText(r)}) is in the inventory, missing on the host.`));
    else if (r.gateway !== a.gateway || r.dev !== a.dev || r.prefsrc !== a.prefsrc || r.type !== a.type) {
      out.push(item("route", key, r, a, `${name}: ${routeText(a)} on the host, ${routeText(r)} in the inventory.`));
    }
  }
  for (const [key, a] of act) {
    if (!rec.has(key))
      out.push(item("route", key, null, a, `Route ${tableLabel(a)} ${a.dst} (${routeText(a)}) is on the host, not in the inventory.`));
  }
  return out;
}

function ruleKey(r: TRoutingRule): string {
  const sel = [
    r.not ? "not" : null,
    `from ${r.from}`,
    r.to ? `to ${r.to}` : null,
    r.iif ? `iif ${r.iif}` : null,
    r.oif ? `oif ${r.oif}` : null,
    r.fwmark ? `fwmark ${r.fwmark}` : null,
  ];
  return `rule ${r.priority} ${sel.filter(Boolean).join(" ")}`;
}

function ruleAction(r: TRoutingRule): string {
  return r.action === "lookup" ? `lookup ${r.tableId ?? r.table}` : r.action;
}

function diffRules(recorded: THostNetwork, actual: THostNetwork, ignore: ReadonlySet<string>): TypedDriftItem[] {
  const managed = (net: THostNetwork) =>
    net.rules.filter((r) => !isDefaultRule(r) && !(r.iif !== null && ignore.has(r.iif)) && !(r.oif !== null && ignore.has(r.oif)));
  const rec = keyed(managed(recorded), ruleKey);
  const act = keyed(managed(actual), ruleKey);
  const out: TypedDriftItem[] = [];
  for (const [key, r] of rec) {
    const a = act.get(key);
    const name = `Rule ${key.slice("rule ".length)}`;
    if (!a) out.push(item("rule", key, r, null, `${name} (${ruleAction(r)}) is in the inventory, missing on the host.`));
    else if (ruleAction(r) !== ruleAction(a))
      out.push(item("rule", key, r, a, `${name}: ${ruleAction(a)} on the host, ${ruleAction(r)} in the inventory.`));
  }
  for (const [key, a] of act) {
    if (!rec.has(key))
      out.push(item("rule", key, null, a, `Rule ${key.slice("rule ".length)} (${ruleAction(a)}) is on the host, not in the inventory.`));
  }
  return out;
}

function diffRtTables(recorded: THostNetwork, actual: THostNetwork): TypedDriftItem[] {
  const names = (net: THostNetwork) =>
    keyed(
      net.rtTables.filter((t) => !BUILTIN_TABLE_IDS.has(t.id)),
      (t) => `rt-table ${t.name}`,
    );
  const rec = names(recorded);
  const act = names(actual);
  const out: TypedDriftItem[] = [];
  for (const [key, r] of rec) {
    const a = act.get(key);
    const rs: RtTableState = { id: r.id, name: r.name };
    if (!a) out.push(item("rt-table", key, rs, null, `Routing table name ${r.name} (${r.id}) is in the inventory, missing on the host.`));
    else if (a.id !== r.id)
      out.push(
        item(
          "rt-table",
          key,
          rs,
          { id: a.id, name: a.name },
          `Routing table name ${r.name} is ${a.id} on the host, ${r.id} in the inventory.`,
        ),
      );
  }
  for (const [key, a] of act) {
    if (!rec.has(key))
      out.push(
        item(
          "rt-table",
          key,
          null,
          { id: a.id, name: a.name },
          `Routing table name ${a.name} (${a.id}) is on the host, not in the inventory.`,
        ),
      );
  }
  return out;
}

export function diffRouting(
  recorded: THostNetwork,
  actual: THostNetwork,
  ignore: ReadonlySet<string>,
  hostOnly: ReadonlySet<string>,
): TypedDriftItem[] {
  const forward =
    recorded.ipForward === actual.ipForward
      ? []
      : [
          item(
            "ip-forward",
            "ip-forward",
            recorded.ipForward,
            actual.ipForward,
            `IPv4 forwarding is ${actual.ipForward ? "on" : "off"} on the host, ${recorded.ipForward ? "on" : "off"} in the inventory.`,
          ),
        ];
  return [
    ...diffRtTables(recorded, actual),
    ...diffRoutes(recorded, actual, ignore, hostOnly),
    ...diffRules(recorded, actual, ignore),
    ...forward,
  ];
}
