import type { TLinkKind, TTunOptions } from "../parse-links";
import type { TRoute } from "../parse-routes";
import type { TRoutingRule } from "../parse-rules";

// What drift reports: one item per thing the team manages that differs between the
// topology the team applied ("recorded", the inventory) and what the host has now
// ("actual"). Each item carries the whole state of that thing on both sides, so the
// revert can be computed from the items alone and the UI can show both versions.
// `added` = on the host, not in the inventory (recorded is null); `removed` = in the
// inventory, missing on the host (actual is null); `changed` = both, different.

export type DriftKind =
  | "link"
  | "bridge"
  | "tap"
  | "port"
  | "address"
  | "route"
  | "rule"
  | "iptables-chain"
  | "iptables-rule"
  | "iptables-policy"
  | "ip-forward"
  | "rt-table";

export type DriftChange = "added" | "removed" | "changed";

export interface DriftItem {
  kind: DriftKind;
  /** Stable id of the thing, unique within one diff, e.g. "route main 10.9.0.0/16". */
  key: string;
  change: DriftChange;
  /** One sentence, host first: "Bridge br0: STP is on on the host, off in the inventory." */
  summary: string;
  recorded: unknown | null;
  actual: unknown | null;
}

export interface LinkState {
  name: string;
  kind: TLinkKind;
}
export interface BridgeState {
  name: string;
  stp: boolean;
  forwardDelayCs: number | null;
  helloTimeCs: number | null;
  maxAgeCs: number | null;
}
export interface TapState {
  name: string;
  mode: TTunOptions["mode"];
  persist: boolean;
  user: string | null;
  group: string | null;
  /** The bridge it is enslaved to; a difference here is reported as a "port" item. */
  bridge: string | null;
}
export interface PortState {
  port: string;
  master: string;
}
export interface AddressState {
  dev: string;
  cidr: string;
  family: "inet" | "inet6";
}
export interface ChainState {
  table: string;
  chain: string;
}
export interface PolicyState {
  table: string;
  chain: string;
  policy: string;
}
export interface IptablesRuleState {
  table: string;
  chain: string;
  /** 1-based, as `iptables -I CHAIN N` counts, on the side this state comes from. */
  position: number;
  /** The iptables-save line without counters. */
  text: string;
}
export interface RtTableState {
  id: number;
  name: string;
}

interface Item<K extends DriftKind, S> extends DriftItem {
  kind: K;
  recorded: S | null;
  actual: S | null;
}

/** The same items with their states typed: what diffNetworks returns and revert reads. */
export type TypedDriftItem =
  | Item<"link", LinkState>
  | Item<"bridge", BridgeState>
  | Item<"tap", TapState>
  | Item<"port", PortState>
  | Item<"address", AddressState>
  | Item<"route", TRoute>
  | Item<"rule", TRoutingRule>
  | Item<"iptables-chain", ChainState>
  | Item<"iptables-rule", IptablesRuleState>
  | Item<"iptables-policy", PolicyState>
  | Item<"ip-forward", boolean>
  | Item<"rt-table", RtTableState>;

export interface DiffOptions {
  /** Links Labdeck manages elsewhere (guests' TAPs come and go with guests). */
  ignoreLinks?: ReadonlySet<string>;
}

/** Builds an item from the two sides; the change follows from which side is null. */
export function item<K extends DriftKind, S>(kind: K, key: string, recorded: S | null, actual: S | null, summary: string): Item<K, S> {
  const change: DriftChange = recorded === null ? "added" : actual === null ? "removed" : "changed";
  return { kind, key, change, summary, recorded, actual };
}
