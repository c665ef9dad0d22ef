import type { THostNetwork } from "../network-model";
import type { TRoute } from "../parse-routes";
import type { TRoutingRule } from "../parse-rules";
import { inPrefix, parseIpv4, parsePrefix, prefixContains } from "../../../lib/ipv4";

// What `ip route get CLIENT from SERVER` would answer on a host network model, computed
// without the host: the SSH-path guard runs it on the projected network of a plan, before
// anything is applied. It follows the kernel's order (policy rules by priority, then the
// longest prefix in the table a rule selects, a "throw" route or an empty table falling
// through to the next rule) for a locally generated IPv4 packet: the reply Labdeck's
// session sends. Such a packet has iif "lo", no oif and mark 0, which is what the rule
// selectors are compared with. A model the evaluation cannot read (an IPv6 selector, a
// goto rule, a multipath route) gives "unknown", never a guess.

export type RouteLookup =
  | {
      kind: "route";
      dev: string;
      gateway: string | null;
      route: TRoute;
      /** The policy rule that selected the table (null only for a model without rules). */
      rule: TRoutingRule | null;
    }
  /** A rule or route that answers with an error: prohibit, unreachable, blackhole. */
  | { kind: "refused"; by: string }
  | { kind: "no-route" }
  | { kind: "unknown"; why: string };

export interface RouteQuery {
  src: string;
  dst: string;
}

const REJECT_TYPES = new Set(["unreachable", "prohibit", "blackhole"]);

export function describeRule(rule: TRoutingRule): string {
  const sel = [
    rule.not ? "not" : null,
    rule.from === "all" && !rule.to && !rule.iif && !rule.oif && !rule.fwmark
      ? "from all"
      : rule.from !== "all"
        ? `from ${rule.from}`
        : null,
    rule.to ? `to ${rule.to}` : null,
    rule.iif ? `iif ${rule.iif}` : null,
    rule.oif ? `oif ${rule.oif}` : null,
    rule.fwmark ? `fwmark ${rule.fwmark}` : null,
  ].filter((s): s is string => s !== null);
  const action = rule.action === "lookup" ? `lookup ${rule.table ?? "?"}` : rule.action;
  return `ip rule ${rule.priority} (${[...sel, action].join(" ")})`;
}

export function describeRoute(route: TRoute): string {
  const parts = [
    route.type !== "unicast" ? route.type : null,
    route.dst,
    route.gateway ? `via ${route.gateway}` : null,
    route.dev ? `dev ${route.dev}` : null,
    route.table !== "main" ? `table ${route.table}` : null,
  ].filter((s): s is string => s !== null);
  return `route ${parts.join(" ")}`;
}

/** null when a selector cannot be read (IPv6, an unknown mark format). */
function ruleMatches(rule: TRoutingRule, src: number, dst: number): boolean | null {
  let matches = true;
  if (rule.from !== "all") {
    const m = inPrefix(rule.from, src);
    if (m === null) return null;
    matches &&= m;
  }
  if (rule.to !== null) {
    const m = inPrefix(rule.to, dst);
    if (m === null) return null;
    matches &&= m;
  }
  // The kernel sets iif to the loopback device for locally generated packets: "iif lo"
  // is the documented way to select them, and any other iif never matches a reply.
  if (rule.iif !== null) matches &&= rule.iif === "lo";
  // An unbound TCP socket routes with oif 0, so an oif selector does not match it.
  if (rule.oif !== null) matches = false;
  if (rule.fwmark !== null) {
    const [value, mask] = rule.fwmark.split("/").map((v) => Number.parseInt(v, 16));
    if (value === undefined || Number.isNaN(value) || (mask !== undefined && Number.isNaN(mask))) return null;
    matches &&= (value & (mask ?? 0xffffffff)) >>> 0 === 0;
  }
  return rule.not ? !matches : matches;
}

function sameTable(route: TRoute, rule: { table: string | null; tableId: number | null }): boolean {
  if (route.tableId !== null && rule.tableId !== null) return route.tableId === rule.tableId;
  return route.table === rule.table;
}

/** Links the kernel keeps routes through: present and administratively up. */
function usableDevs(net: THostNetwork): Set<string> {
  return new Set(net.links.filter((l) => l.adminUp).map((l) => l.name));
}

function longestMatch(routes: readonly TRoute[], dst: number, devs: ReadonlySet<string>): TRoute | null {
  let best: { route: TRoute; length: number; metric: number } | null = null;
  for (const route of routes) {
    if (route.family !== "inet") continue;
    // The kernel flushes IPv4 routes through a link that goes down or away; a projected
    // model may still list them, so they are skipped as the kernel would have removed them.
    if (route.dev !== null && !devs.has(route.dev)) continue;
    const prefix = parsePrefix(route.dst);
    if (prefix === null || !prefixContains(prefix, dst)) continue;
    const metric = route.metric ?? 0;
    if (!best || prefix.length > best.length || (prefix.length === best.length && metric < best.metric)) {
      best = { route, length: prefix.length, metric };
    }
  }
  return best?.route ?? null;
}

export function lookupRoute(net: THostNetwork, query: RouteQuery): RouteLookup {
  const src = parseIpv4(query.src);
  const dst = parseIpv4(query.dst);
  if (src === null || dst === null) return { kind: "unknown", why: "the session's addresses are not IPv4" };
  const devs = usableDevs(net);
  const rules = [...net.rules].sort((a, b) => a.priority - b.priority);
  for (const rule of rules) {
    const matches = ruleMatches(rule, src, dst);
    if (matches === null) return { kind: "unknown", why: `${describeRule(rule)} cannot be evaluated` };
    if (!matches) continue;
    if (REJECT_TYPES.has(rule.action)) return { kind: "refused", by: describeRule(rule) };
    if (rule.action === "nop") continue;
    if (rule.action !== "lookup") return { kind: "unknown", why: `${describeRule(rule)} cannot be evaluated` };
    const route = longestMatch(
      net.routes.filter((r) => sameTable(r, rule)),
      dst,
      devs,
    );
    if (route === null || route.type === "throw") continue;
    if (REJECT_TYPES.has(route.type)) return { kind: "refused", by: describeRoute(route) };
    // A multipath route prints its devices under "nexthops", which the model does not keep.
    if (route.dev === null) return { kind: "unknown", why: `${describeRoute(route)} has no single device` };
    return { kind: "route", dev: route.dev, gateway: route.gateway, route, rule };
  }
  return { kind: "no-route" };
}

/**
 * A gateway is usable only when a connected route reaches it out of the same device (or
 * the route is marked onlink): otherwise the kernel would not have accepted the route,
 * or drops it when the connected route goes. Looked up in the route's own table, then main.
 */
export function gatewayReachable(net: THostNetwork, route: TRoute): boolean {
  if (route.gateway === null || route.flags.includes("onlink")) return true;
  const gw = parseIpv4(route.gateway);
  if (gw === null || route.dev === null) return false;
  const devs = usableDevs(net);
  if (!devs.has(route.dev)) return false;
  const tables = [
    { table: route.table, tableId: route.tableId },
    { table: "main", tableId: 254 },
  ];
  return net.routes.some((r) => {
    if (r.family !== "inet" || r.gateway !== null || r.dev !== route.dev || r.type !== "unicast") return false;
    if (!tables.some((t) => sameTable(r, t))) return false;
    const prefix = parsePrefix(r.dst);
    return prefix !== null && prefix.length > 0 && prefixContains(prefix, gw);
  });
}
