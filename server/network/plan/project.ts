import type { THostNetwork, TNetworkLink } from "../network-model";
import type { TBridgeOptions, TTunOptions } from "../parse-links";
import type { TRoute } from "../parse-routes";
import type { TRoutingRule } from "../parse-rules";
import { numberToIpv4, parsePrefix } from "../../../lib/ipv4";

// The projection: edits to a THostNetwork that mirror what the kernel does when a step
// runs, including its side effects (a link going down drops every route through it, an
// address brings its connected route, deleting a bridge frees its ports). The editor
// draws the result and the SSH-path guard checks it, so a side effect left out here is
// a cut session the guard cannot see. Values only the host can know (ifindex, MAC) stay
// unknown (0, null) rather than invented.

export type Net = THostNetwork;

export function findLink(net: Net, name: string): TNetworkLink | undefined {
  return net.links.find((l) => l.name === name);
}

function rebuildRoutesByTable(net: Net): void {
  const byTable: Record<string, TRoute[]> = {};
  for (const r of net.routes) (byTable[r.table] ??= []).push(r);
  net.routesByTable = byTable;
}

function newLink(name: string, partial: Pick<TNetworkLink, "kind" | "infoKind" | "adminUp" | "bridge" | "tun">): TNetworkLink {
  return {
    name,
    ifindex: 0,
    state: "UNKNOWN",
    mtu: 1500,
    mac: null,
    master: null,
    link: null,
    flags: partial.adminUp ? ["BROADCAST", "MULTICAST", "UP"] : ["BROADCAST", "MULTICAST"],
    vlanId: null,
    addresses: [],
    ...partial,
  };
}

export function addBridge(net: Net, name: string, options: TBridgeOptions): void {
  net.links.push(newLink(name, { kind: "bridge", infoKind: "bridge", adminUp: false, bridge: options, tun: null }));
  net.bridges.push({ name, options, ports: [] });
}

export function setBridgeOptions(net: Net, name: string, options: TBridgeOptions): void {
  const link = findLink(net, name);
  if (link) link.bridge = options;
  const br = net.bridges.find((b) => b.name === name);
  if (br) br.options = options;
}

export function addTap(net: Net, name: string, tun: TTunOptions): void {
  net.links.push(newLink(name, { kind: "tap", infoKind: "tun", adminUp: false, bridge: null, tun }));
  net.taps.push({ name, options: tun, bridge: null });
}

/** Enslaves `port` to `bridge`, or frees it with null, as `ip link set master/nomaster` does. */
export function setMaster(net: Net, port: string, bridge: string | null): void {
  const link = findLink(net, port);
  if (!link) return;
  for (const b of net.bridges) b.ports = b.ports.filter((p) => p.name !== port);
  link.master = bridge;
  const tap = net.taps.find((t) => t.name === port);
  if (tap) tap.bridge = bridge;
  const br = bridge === null ? undefined : net.bridges.find((b) => b.name === bridge);
  // The STP state is the kernel's to decide (listening, forwarding...): unknown until read.
  br?.ports.push({ name: port, ifindex: link.ifindex, bridge: br.name, stpState: "unknown", priority: null, cost: null });
}

/**
 * The routes the kernel makes for an IPv4 address (fib_add_ifaddr): its local route in
 * table local always; while the link is up, also the connected prefix route in main and
 * the subnet broadcast (for prefixes shorter than /31).
 */
function addressRoutes(dev: string, address: string, length: number, up: boolean): TRoute[] {
  const p = parsePrefix(`${address}/${length}`);
  if (!p) return [];
  const kernel = { family: "inet" as const, gateway: null, dev, protocol: "kernel", metric: null, prefsrc: address, flags: [] };
  const out: TRoute[] = [{ ...kernel, table: "local", tableId: 255, dst: address, type: "local", scope: "host" }];
  if (!up) return out;
  if (length < 32)
    out.push({ ...kernel, table: "main", tableId: 254, dst: `${numberToIpv4(p.network)}/${length}`, type: "unicast", scope: "link" });
  if (length < 31) {
    const broadcast = (p.network | (0xffffffff >>> length)) >>> 0;
    out.push({ ...kernel, table: "local", tableId: 255, dst: numberToIpv4(broadcast), type: "broadcast", scope: "link" });
  }
  return out;
}

function sameRoute(a: TRoute, b: TRoute): boolean {
  return (
    a.tableId === b.tableId && a.type === b.type && a.dst === b.dst && a.dev === b.dev && a.gateway === b.gateway && a.metric === b.metric
  );
}

function addAddressRoutes(net: Net, link: TNetworkLink): void {
  for (const a of link.addresses) {
    if (a.family !== "inet") continue;
    for (const r of addressRoutes(link.name, a.address, a.prefixLength, link.adminUp))
      if (!net.routes.some((x) => sameRoute(x, r))) net.routes.push(r);
  }
  rebuildRoutesByTable(net);
}

/**
 * A link going down loses every route through it, static ones included, in every table,
 * and its IPv6 addresses (keep_addr_on_down is off by default); only the local routes of
 * its IPv4 addresses stay. Coming up brings back the routes of its IPv4 addresses only.
 */
export function setAdminUp(net: Net, name: string, up: boolean): void {
  const link = findLink(net, name);
  if (!link) return;
  link.adminUp = up;
  link.flags = up ? [...new Set([...link.flags, "UP"])] : link.flags.filter((f) => f !== "UP" && f !== "LOWER_UP");
  link.state = up ? "UNKNOWN" : "DOWN";
  if (!up) {
    link.addresses = link.addresses.filter((a) => a.family !== "inet6");
    net.routes = net.routes.filter((r) => r.dev !== name || (r.family === "inet" && r.type === "local" && r.tableId === 255));
  }
  addAddressRoutes(net, link);
}

export function addAddress(net: Net, dev: string, cidr: string): void {
  const link = findLink(net, dev);
  if (!link) return;
  const [address = "", len = "32"] = cidr.split("/");
  link.addresses.push({
    family: "inet",
    address,
    prefixLength: Number(len),
    cidr,
    scope: "global",
    label: dev,
    broadcast: null,
    peer: null,
  });
  addAddressRoutes(net, link);
}

/** The address's kernel routes (local, broadcast, connected) go with it. */
export function removeAddress(net: Net, dev: string, cidr: string): void {
  const link = findLink(net, dev);
  if (!link) return;
  link.addresses = link.addresses.filter((a) => a.cidr !== cidr);
  const [address = ""] = cidr.split("/");
  net.routes = net.routes.filter((r) => !(r.dev === dev && r.prefsrc === address && r.protocol === "kernel"));
  rebuildRoutesByTable(net);
}

/** Deleting a link frees its ports, drops its addresses and every route through it. */
export function removeLink(net: Net, name: string): void {
  for (const l of net.links) if (l.master === name) setMaster(net, l.name, null);
  setMaster(net, name, null);
  net.links = net.links.filter((l) => l.name !== name);
  net.bridges = net.bridges.filter((b) => b.name !== name);
  net.taps = net.taps.filter((t) => t.name !== name);
  net.routes = net.routes.filter((r) => r.dev !== name);
  rebuildRoutesByTable(net);
}

/** The table as `ip route` prints it: "main" for 254, a name from rt_tables, else the number. */
export function tableLabel(net: Net, id: number): string {
  if (id === 254) return "main";
  if (id === 255) return "local";
  if (id === 253) return "default";
  return net.rtTables.find((t) => t.id === id)?.name ?? String(id);
}

export function addRoute(net: Net, route: TRoute): void {
  net.routes.push(route);
  rebuildRoutesByTable(net);
}

export function removeRoute(net: Net, route: TRoute): void {
  net.routes = net.routes.filter((r) => r !== route);
  rebuildRoutesByTable(net);
}

export function addRule(net: Net, rule: TRoutingRule): void {
  net.rules.push(rule);
  // ip lists rules by priority, and in insertion order within one priority.
  net.rules.sort((a, b) => a.priority - b.priority);
}

export function removeRule(net: Net, rule: TRoutingRule): void {
  net.rules = net.rules.filter((r) => r !== rule);
}
