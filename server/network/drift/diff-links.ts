import type { THostNetwork, TNetworkLink } from "../network-model";
import { item, type AddressState, type BridgeState, type LinkState, type PortState, type TapState, type TypedDriftItem } from "./types";

// Links, bridges, TAPs, bridge ports and addresses. What is compared is what the team
// manages with ops; counters, operational state, ifindex and the MAC of virtual links
// change on their own and are never drift. A link that exists on the host only takes its
// ports, addresses and routes with it, so those are not listed again; a link missing on
// the host lists its addresses, because restoring it means restoring them too.

type Category = "bridge" | "tap" | "link";

function category(l: TNetworkLink): Category {
  if (l.kind === "bridge") return "bridge";
  return l.tun ? "tap" : "link";
}

export function bridgeState(l: TNetworkLink): BridgeState {
  const o = l.bridge;
  return {
    name: l.name,
    stp: o?.stp ?? false,
    forwardDelayCs: o?.forwardDelayCs ?? null,
    helloTimeCs: o?.helloTimeCs ?? null,
    maxAgeCs: o?.maxAgeCs ?? null,
  };
}

export function tapState(l: TNetworkLink): TapState {
  const t = l.tun;
  return {
    name: l.name,
    mode: t?.mode ?? "tap",
    persist: t?.persist ?? false,
    user: t?.user ?? null,
    group: t?.group ?? null,
    bridge: l.master,
  };
}

function describe(l: TNetworkLink): string {
  const c = category(l);
  if (c === "bridge") return `Bridge ${l.name}`;
  if (c === "tap") return `${l.tun?.mode === "tun" ? "TUN" : "TAP"} ${l.name}`;
  return `Link ${l.name} (${l.kind === "other" ? (l.infoKind ?? "unknown kind") : l.kind})`;
}

function existence(l: TNetworkLink, side: "recorded" | "actual"): TypedDriftItem {
  const where = side === "actual" ? "is on the host, not in the inventory" : "is in the inventory, missing on the host";
  const summary = `${describe(l)} ${where}.`;
  const pick = <S>(s: S): [S | null, S | null] => (side === "recorded" ? [s, null] : [null, s]);
  const c = category(l);
  if (c === "bridge") return item("bridge", `bridge ${l.name}`, ...pick(bridgeState(l)), summary);
  if (c === "tap") return item("tap", `tap ${l.name}`, ...pick(tapState(l)), summary);
  return item("link", `link ${l.name}`, ...pick<LinkState>({ name: l.name, kind: l.kind }), summary);
}

const seconds = (cs: number | null) => (cs === null ? "unset" : `${cs / 100} s`);
const onOff = (b: boolean) => (b ? "on" : "off");

/** "X is A on the host, B in the inventory" for each field that differs. */
function fieldChanges<S>(rec: S, act: S, fields: [keyof S, string, (v: never) => string][]): string[] {
  return fields
    .filter(([k]) => rec[k] !== act[k])
    .map(([k, label, show]) => `${label} is ${show(act[k] as never)} on the host, ${show(rec[k] as never)} in the inventory`);
}

const owner = (user: string | null, group: string | null) =>
  [user !== null ? `user ${user}` : null, group !== null ? `group ${group}` : null].filter(Boolean).join(" and ") || "no owner";

function compareSame(r: TNetworkLink, a: TNetworkLink): TypedDriftItem[] {
  const c = category(r);
  if (c !== category(a) || (c === "link" && r.kind !== a.kind)) {
    return [
      item(
        "link",
        `link ${r.name}`,
        { name: r.name, kind: r.kind },
        { name: a.name, kind: a.kind },
        `Link ${r.name} is a ${a.kind} on the host, a ${r.kind} in the inventory.`,
      ),
    ];
  }
  if (c === "bridge") {
    const rs = bridgeState(r);
    const as = bridgeState(a);
    const diffs = fieldChanges(rs, as, [
      ["stp", "STP", onOff],
      ["forwardDelayCs", "forward delay", seconds],
      ["helloTimeCs", "hello time", seconds],
      ["maxAgeCs", "max age", seconds],
    ]);
    return diffs.length > 0 ? [item("bridge", `bridge ${r.name}`, rs, as, `Bridge ${r.name}: ${diffs.join("; ")}.`)] : [];
  }
  if (c === "tap") {
    const rs = tapState(r);
    const as = tapState(a);
    const diffs = fieldChanges(rs, as, [["mode", "mode", String]]);
    if (rs.user !== as.user || rs.group !== as.group)
      diffs.push(`owner is ${owner(as.user, as.group)} on the host, ${owner(rs.user, rs.group)} in the inventory`);
    return diffs.length > 0 ? [item("tap", `tap ${r.name}`, rs, as, `${describe(r)}: ${diffs.join("; ")}.`)] : [];
  }
  return [];
}

function port(r: TNetworkLink, a: TNetworkLink): TypedDriftItem[] {
  if (r.master === a.master) return [];
  const rs: PortState | null = r.master === null ? null : { port: r.name, master: r.master };
  const as: PortState | null = a.master === null ? null : { port: a.name, master: a.master };
  const host = a.master === null ? "free on the host" : `a port of ${a.master} on the host`;
  const inv = r.master === null ? "free in the inventory" : `${a.master === null ? "a port " : ""}of ${r.master} in the inventory`;
  return [item("port", `port ${r.name}`, rs, as, `${r.name} is ${host}, ${inv}.`)];
}

function managedAddresses(l: TNetworkLink): AddressState[] {
  // Link-local IPv6 addresses follow the MAC, which virtual links get anew on creation.
  return l.addresses
    .filter((x) => !(x.family === "inet6" && x.scope === "link"))
    .map((x) => ({ dev: l.name, cidr: x.cidr, family: x.family }));
}

function addresses(r: TNetworkLink, a: TNetworkLink | null): TypedDriftItem[] {
  const rec = managedAddresses(r);
  const act = a ? managedAddresses(a) : [];
  const out: TypedDriftItem[] = [];
  for (const x of rec) {
    if (!act.some((y) => y.cidr === x.cidr))
      out.push(
        item("address", `address ${x.dev} ${x.cidr}`, x, null, `Address ${x.cidr} on ${x.dev} is in the inventory, missing on the host.`),
      );
  }
  for (const y of act) {
    if (!rec.some((x) => x.cidr === y.cidr))
      out.push(
        item("address", `address ${y.dev} ${y.cidr}`, null, y, `Address ${y.cidr} on ${y.dev} is on the host, not in the inventory.`),
      );
  }
  return out;
}

export interface LinkDiff {
  items: TypedDriftItem[];
  /** Links only on the host: their routes go with them and are not compared. */
  hostOnly: ReadonlySet<string>;
}

export function diffLinks(recorded: THostNetwork, actual: THostNetwork, ignore: ReadonlySet<string>): LinkDiff {
  const considered = (l: TNetworkLink) => l.kind !== "loopback" && !ignore.has(l.name);
  const rec = new Map(recorded.links.filter(considered).map((l) => [l.name, l]));
  const act = new Map(actual.links.filter(considered).map((l) => [l.name, l]));
  const links: TypedDriftItem[] = [];
  const ports: TypedDriftItem[] = [];
  const addrs: TypedDriftItem[] = [];
  const hostOnly = new Set<string>();
  for (const [name, r] of rec) {
    const a = act.get(name);
    if (!a) {
      links.push(existence(r, "recorded"));
      addrs.push(...addresses(r, null));
      continue;
    }
    links.push(...compareSame(r, a));
    ports.push(...port(r, a));
    addrs.push(...addresses(r, a));
  }
  for (const [name, a] of act) {
    if (rec.has(name)) continue;
    links.push(existence(a, "actual"));
    hostOnly.add(name);
  }
  const order = ["link", "bridge", "tap"];
  links.sort((x, y) => order.indexOf(x.kind) - order.indexOf(y.kind));
  return { items: [...links, ...ports, ...addrs], hostOnly };
}
