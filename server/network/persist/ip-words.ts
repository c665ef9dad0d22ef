import type { TRoute } from "../parse-routes";
import type { TRoutingRule } from "../parse-rules";
import { TABLE_NAME } from "../../../lib/names";
import { isFwmark, isIfName, isIpAddress, isKeyword, isRouteDst } from "./config-words";

// A route or a policy rule of the read model as the words of `ip route add …` /
// `ip rule add …`, for the up/down lines of the interfaces file. Tables are written by
// number: the number means the same table whether or not rt_tables has been read yet at
// boot, a name does not.

export type Words = { ok: true; words: string[] } | { ok: false; why: string };

const ROUTE_TYPES = new Set(["unicast", "blackhole", "unreachable", "prohibit", "throw"]);
const RULE_ACTIONS = new Set(["prohibit", "blackhole", "unreachable"]);

function tableWords(table: string, tableId: number | null): string[] | null {
  if (tableId === 254 || (tableId === null && table === "main")) return [];
  if (tableId !== null) return ["table", String(tableId)];
  return TABLE_NAME.test(table) ? ["table", table] : null;
}

/** The words after `ip route add` (`ip -6 route add` for inet6). */
export function routeWords(r: TRoute): Words {
  if (!ROUTE_TYPES.has(r.type)) return { ok: false, why: `route type ${r.type} is the kernel's` };
  if (!isRouteDst(r.dst)) return { ok: false, why: "destination not writable" };
  const w: string[] = r.type === "unicast" ? [] : [r.type];
  w.push(r.dst);
  if (r.gateway !== null) {
    if (!isIpAddress(r.gateway)) return { ok: false, why: "gateway not writable" };
    w.push("via", r.gateway);
  }
  if (r.dev !== null) {
    if (!isIfName(r.dev)) return { ok: false, why: "device not writable" };
    w.push("dev", r.dev);
  }
  if (r.protocol !== null) {
    if (!isKeyword(r.protocol)) return { ok: false, why: "protocol not writable" };
    w.push("proto", r.protocol);
  }
  if (r.scope !== null) {
    if (!isKeyword(r.scope)) return { ok: false, why: "scope not writable" };
    w.push("scope", r.scope);
  }
  if (r.prefsrc !== null) {
    if (!isIpAddress(r.prefsrc)) return { ok: false, why: "source address not writable" };
    w.push("src", r.prefsrc);
  }
  if (r.metric !== null) w.push("metric", String(r.metric));
  if (r.flags.includes("onlink")) w.push("onlink");
  const table = tableWords(r.table, r.tableId);
  if (table === null) return { ok: false, why: "table not writable" };
  return { ok: true, words: [...w, ...table] };
}

/** The words after `ip rule add`. */
export function ruleWords(r: TRoutingRule): Words {
  const w = ["pref", String(r.priority)];
  if (r.not) w.push("not");
  for (const [key, v, ok] of [
    ["from", r.from, isRouteDst(r.from) || r.from === "all"],
    ["to", r.to, r.to === null || isRouteDst(r.to)],
    ["iif", r.iif, r.iif === null || isIfName(r.iif)],
    ["oif", r.oif, r.oif === null || isIfName(r.oif)],
    ["fwmark", r.fwmark, r.fwmark === null || isFwmark(r.fwmark)],
  ] as const) {
    if (!ok) return { ok: false, why: `${key} not writable` };
    if (v !== null) w.push(key, v);
  }
  if (r.action === "lookup") {
    if (r.table === null) return { ok: false, why: "lookup without a table" };
    const table = r.tableId !== null ? String(r.tableId) : TABLE_NAME.test(r.table) ? r.table : null;
    if (table === null) return { ok: false, why: "table not writable" };
    w.push("lookup", table);
  } else if (RULE_ACTIONS.has(r.action) && isKeyword(r.action)) {
    w.push(r.action);
  } else {
    // goto needs its target priority, which the read model does not keep.
    return { ok: false, why: `action ${r.action} is not kept by the read model` };
  }
  return { ok: true, words: w };
}

/** ip's three rules of a fresh kernel (local, main, default): never written, never drift. */
export function isDefaultRule(r: TRoutingRule): boolean {
  const plain =
    !r.not && r.from === "all" && r.to === null && r.iif === null && r.oif === null && r.fwmark === null && r.action === "lookup";
  return (
    plain &&
    ((r.priority === 0 && r.tableId === 255) || (r.priority === 32766 && r.tableId === 254) || (r.priority === 32767 && r.tableId === 253))
  );
}

/** Routes the kernel or a daemon makes again by itself: connected routes, router adverts, DHCP. */
export const NOT_PERSISTED_PROTOCOLS: ReadonlySet<string> = new Set(["kernel", "ra", "redirect", "dhcp"]);
