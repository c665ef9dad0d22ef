import { parseRule } from "../iptables-rule";
import type { THostNetwork } from "../network-model";
import { ZNetOp, type TNetOp, type TNetOpInput } from "../ops";
import type { TRoute } from "../parse-routes";
import type { TRoutingRule } from "../parse-rules";
import { chainDiffItems, diffIptables, type ChainDiff } from "./diff-iptables";
import { diffLinks } from "./diff-links";
import { diffRouting } from "./diff-routing";
import { ruleSpecFromRule } from "./rule-spec-from-rule";
import type { AddressState, BridgeState, DiffOptions, DriftItem, TypedDriftItem } from "./types";

// The ops that turn the host ("actual") back into the topology the team applied
// ("recorded"). Only the op vocabulary of ops.ts is used, so the plan builder turns the
// result into the same kind of plan as any other change, with preview and rollback.
//
// The order is the point of this module: names for tables first; then everything that
// goes away, innermost first (rules, routes, addresses, ports, then links), because a
// link deleted first would take routes with it that a later step still expects to
// delete; then everything that comes back, outermost first (links, ports, addresses,
// routes, rules); forwarding; the firewall last, chains created before rules jump to
// them and deleted only after the rules that jump to them are gone.
//
// What the vocabulary cannot express (an IPv6 route, a veth, a rule with an icmp type)
// is never approximated: it is returned in `manual` with the reason.

export type ManualDriftItem = DriftItem & { why: string };
export interface RevertPlan {
  ops: TNetOp[];
  manual: ManualDriftItem[];
}

const PHASES = [
  "rttable-delete",
  "rttable-add",
  "iprule-delete",
  "route-delete",
  "address-delete",
  "port-detach",
  "link-delete",
  "bridge-create",
  "bridge-set",
  "tap-create",
  "port-attach",
  "address-add",
  "route-add",
  "iprule-add",
  "forward",
  "chain-create",
  "rule-delete",
  "rule-insert",
  "chain-delete",
  "policy",
] as const;
type Phase = (typeof PHASES)[number];

class Collector {
  private readonly byPhase = new Map<Phase, TNetOp[]>(PHASES.map((p) => [p, []]));
  readonly manual: ManualDriftItem[] = [];

  /** All of an item's ops or none: half a "changed" route (deleted, never re-added) is worse than none. */
  emit(item: TypedDriftItem, ops: [Phase, TNetOpInput][]): boolean {
    const parsed: [Phase, TNetOp][] = [];
    for (const [phase, op] of ops) {
      const r = ZNetOp.safeParse(op);
      if (!r.success) {
        const issue = r.error.issues[0];
        return this.refuse(
          item,
          `the op vocabulary cannot express it (${op.op} ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"})`,
        );
      }
      parsed.push([phase, r.data]);
    }
    for (const [phase, op] of parsed) this.byPhase.get(phase)?.push(op);
    return true;
  }

  refuse(item: TypedDriftItem, why: string): false {
    this.manual.push({ ...item, why });
    return false;
  }

  ops(): TNetOp[] {
    return PHASES.flatMap((p) => this.byPhase.get(p) ?? []);
  }
}

const TABLE_MAIN = 254;

function routeOp(op: "route.add" | "route.delete", r: TRoute): TNetOpInput | string {
  if (r.family !== "inet") return "IPv6 routes are not in the op vocabulary";
  if (r.type !== "unicast") return `${r.type} routes are not in the op vocabulary`;
  const table = r.tableId === TABLE_MAIN ? "main" : (r.tableId ?? r.table);
  return {
    op,
    table,
    dst: r.dst,
    ...(r.gateway !== null ? { via: r.gateway } : {}),
    ...(r.dev !== null ? { dev: r.dev } : {}),
    ...(r.prefsrc !== null ? { src: r.prefsrc } : {}),
    ...(r.metric !== null ? { metric: r.metric } : {}),
  };
}

function ruleOp(op: "iprule.add" | "iprule.delete", r: TRoutingRule): TNetOpInput | string {
  if (r.action !== "lookup" || r.table === null) return `"${r.action}" rules are not in the op vocabulary (lookup only)`;
  if (r.not) return `"not" rules are not in the op vocabulary`;
  if (r.oif !== null) return "oif selectors are not in the op vocabulary";
  let fwmark: number | undefined;
  if (r.fwmark !== null) {
    // A mask other than all ones matches more packets than the bare mark would.
    const m = /^0x([0-9a-fA-F]+)(?:\/0x(ffffffff))?$/i.exec(r.fwmark);
    if (!m) return "fwmark masks are not in the op vocabulary";
    fwmark = parseInt(m[1] as string, 16);
  }
  return {
    op,
    priority: r.priority,
    table: r.tableId === TABLE_MAIN ? "main" : (r.tableId ?? r.table),
    ...(r.from !== "all" ? { from: r.from } : {}),
    ...(r.to !== null ? { to: r.to } : {}),
    ...(r.iif !== null ? { iif: r.iif } : {}),
    ...(fwmark !== undefined ? { fwmark } : {}),
  };
}

type Build<S> = (state: S) => TNetOpInput | string;

/**
 * Deletes what the host has and adds what the inventory has (either may be absent);
 * a builder returning a string refuses the whole item with that reason.
 */
function swap<S>(
  c: Collector,
  it: TypedDriftItem,
  sides: { actual: S | null; recorded: S | null },
  del: [Phase, Build<S>],
  add: [Phase, Build<S>],
): void {
  const built: [Phase, TNetOpInput | string][] = [];
  if (sides.actual !== null) built.push([del[0], del[1](sides.actual)]);
  if (sides.recorded !== null) built.push([add[0], add[1](sides.recorded)]);
  const why = built.find((b): b is [Phase, string] => typeof b[1] === "string");
  if (why) c.refuse(it, why[1]);
  else c.emit(it, built as [Phase, TNetOpInput][]);
}

/** The settings to apply: all of them to create a bridge, only those that differ from `current` to set one. */
function bridgeFields(
  want: BridgeState,
  current?: BridgeState,
): { stp?: boolean; forwardDelayCs?: number; helloTimeCs?: number; maxAgeCs?: number } {
  const out: { stp?: boolean; forwardDelayCs?: number; helloTimeCs?: number; maxAgeCs?: number } = {};
  if (current === undefined || current.stp !== want.stp) out.stp = want.stp;
  for (const k of ["forwardDelayCs", "helloTimeCs", "maxAgeCs"] as const) {
    const v = want[k];
    if (v !== null && (current === undefined || current[k] !== v)) out[k] = v;
  }
  return out;
}

function revertLinks(c: Collector, items: TypedDriftItem[], recorded: THostNetwork, actual: THostNetwork): Set<string> {
  /** Links that exist once the revert has run: the host's, minus deletions, plus re-creations. */
  const present = new Set(actual.links.map((l) => l.name));
  const recordedBridges = new Set(recorded.links.filter((l) => l.kind === "bridge").map((l) => l.name));
  for (const it of items) {
    if (it.kind === "link") {
      c.refuse(
        it,
        `Labdeck has no op to ${it.change === "added" ? "delete" : it.change === "removed" ? "create" : "change the kind of"} this link; do it on the host`,
      );
    } else if (it.kind === "bridge") {
      const r = it.recorded;
      if (it.change === "added" && it.actual) {
        if (c.emit(it, [["link-delete", { op: "bridge.delete", name: it.actual.name }]])) present.delete(it.actual.name);
      } else if (it.change === "removed" && r) {
        if (c.emit(it, [["bridge-create", { op: "bridge.create", name: r.name, ...bridgeFields(r) }]])) present.add(r.name);
      } else if (r && it.actual) c.emit(it, [["bridge-set", { op: "bridge.set", name: r.name, ...bridgeFields(r, it.actual) }]]);
    } else if (it.kind === "tap") {
      const r = it.recorded;
      const a = it.actual;
      if (it.change === "changed") c.refuse(it, "no op changes a TAP's owner or mode; delete and re-create it while no guest uses it");
      else if (a) {
        if (!a.persist) c.refuse(it, "it is held open by a process, not persistent: stop that process");
        else if (c.emit(it, [["link-delete", { op: "tap.delete", name: a.name }]])) present.delete(a.name);
      } else if (r) {
        if (r.mode !== "tap") c.refuse(it, "TUN devices are not in the op vocabulary");
        else if (!r.persist) c.refuse(it, "it was held open by a process (not persistent); start that process again");
        else {
          const bridge = r.bridge !== null && recordedBridges.has(r.bridge) ? { bridge: r.bridge } : {};
          const owner = { ...(r.user !== null ? { user: r.user } : {}), ...(r.group !== null ? { group: r.group } : {}) };
          const op: TNetOpInput = { op: "tap.create", name: r.name, ...owner, ...bridge };
          if (c.emit(it, [["tap-create", op]])) present.add(r.name);
        }
      }
    }
  }
  return present;
}

function revertAttachments(c: Collector, items: TypedDriftItem[], recorded: THostNetwork, present: ReadonlySet<string>): void {
  const recordedBridges = new Set(recorded.links.filter((l) => l.kind === "bridge").map((l) => l.name));
  const missing = (dev: string | null) =>
    dev !== null && !present.has(dev) ? `link ${dev} will not exist: revert cannot re-create it` : null;
  for (const it of items) {
    if (it.kind === "port") {
      const r = it.recorded;
      if (r === null) c.emit(it, [["port-detach", { op: "port.detach", port: it.actual?.port ?? "" }]]);
      else if (!recordedBridges.has(r.master)) c.refuse(it, `${r.master} is not a bridge; the ops attach ports to bridges only`);
      else c.emit(it, [["port-attach", { op: "port.attach", port: r.port, bridge: r.master }]]);
    } else if (it.kind === "address") {
      const op =
        (name: "address.add" | "address.delete"): Build<AddressState> =>
        (x) => {
          if (x.family !== "inet") return "IPv6 addresses are not in the op vocabulary";
          return (name === "address.add" ? missing(x.dev) : null) ?? { op: name, dev: x.dev, cidr: x.cidr };
        };
      swap(c, it, it, ["address-delete", op("address.delete")], ["address-add", op("address.add")]);
    } else if (it.kind === "route") {
      const add: Build<TRoute> = (r) => missing(r.dev) ?? routeOp("route.add", r);
      swap(c, it, it, ["route-delete", (r) => routeOp("route.delete", r)], ["route-add", add]);
    } else if (it.kind === "rule") {
      swap(c, it, it, ["iprule-delete", (r) => ruleOp("iprule.delete", r)], ["iprule-add", (r) => ruleOp("iprule.add", r)]);
    } else if (it.kind === "rt-table") {
      swap(c, it, it, ["rttable-delete", (t) => ({ op: "rttable.delete", ...t })], ["rttable-add", (t) => ({ op: "rttable.add", ...t })]);
    } else if (it.kind === "ip-forward" && it.recorded !== null) {
      c.emit(it, [["forward", { op: "forward.set", enabled: it.recorded }]]);
    }
  }
}

const EDITABLE_TABLES = new Set(["filter", "nat", "mangle"]);

function revertChain(c: Collector, d: ChainDiff, recorded: THostNetwork): void {
  if (!EDITABLE_TABLES.has(d.table)) {
    for (const it of chainDiffItems(d)) c.refuse(it, `Labdeck's ops edit filter, nat and mangle only, not ${d.table}`);
    return;
  }
  const table = d.table as "filter" | "nat" | "mangle";
  const userChains = new Set(
    recorded.iptables?.tables
      .find((t) => t.name === d.table)
      ?.chains.filter((ch) => !ch.builtin)
      .map((ch) => ch.name),
  );
  for (const it of d.chainItems) {
    if (it.kind === "iptables-policy" && it.recorded)
      c.emit(it, [["policy", { op: "policy.set", table, chain: it.recorded.chain, policy: it.recorded.policy } as TNetOpInput]]);
    else if (it.kind === "iptables-chain")
      c.emit(it, [
        [it.recorded ? "chain-create" : "chain-delete", { op: it.recorded ? "chain.create" : "chain.delete", table, chain: d.chain }],
      ]);
  }
  // Deletions first, by text: after them the chain holds the rules both sides share, in
  // order, plus any host rule that could not be deleted.
  const count = (text: string) => d.edits.filter((e) => e.op !== "removed" && e.text === text).length;
  const current: { text: string; recordedPosition: number | null }[] = [];
  for (const e of d.edits) {
    if (e.op === "keep") current.push({ text: e.text, recordedPosition: e.recordedPosition });
    else if (e.op === "added") {
      const n = count(e.text);
      const deleted =
        n > 1
          ? c.refuse(e.item, `the chain holds this line ${n} times and rules are deleted by text: say which one on the host`)
          : c.emit(e.item, [["rule-delete", { op: "rule.delete", table, chain: d.chain, text: e.text }]]);
      if (!deleted) current.push({ text: e.text, recordedPosition: null });
    }
  }
  // Then each missing rule goes back right after the rule that precedes it in the
  // inventory, in inventory order, so every position is counted on the chain as it is
  // at that moment.
  const removed = d.edits
    .filter((e): e is Extract<typeof e, { op: "removed" }> => e.op === "removed")
    .sort((x, y) => x.recordedPosition - y.recordedPosition);
  for (const e of removed) {
    const spec = ruleSpecFromRule(parseRule(e.text), { userChains });
    if (spec === null) {
      c.refuse(e.item, "the op vocabulary cannot express every part of this rule; add it on the host");
      continue;
    }
    if (current.some((x) => x.text === e.text)) {
      c.refuse(e.item, "the same line is already in the chain, so inserting it again by text would do nothing");
      continue;
    }
    let after = -1;
    current.forEach((x, i) => {
      if (x.recordedPosition !== null && x.recordedPosition < e.recordedPosition) after = i;
    });
    if (c.emit(e.item, [["rule-insert", { op: "rule.insert", table, chain: d.chain, position: after + 2, rule: spec }]])) {
      current.splice(after + 1, 0, { text: e.text, recordedPosition: e.recordedPosition });
    }
  }
}

export function revertOps(recorded: THostNetwork, actual: THostNetwork, opts: DiffOptions = {}): RevertPlan {
  const ignore = opts.ignoreLinks ?? new Set<string>();
  const links = diffLinks(recorded, actual, ignore);
  const c = new Collector();
  const present = revertLinks(c, links.items, recorded, actual);
  revertAttachments(c, [...links.items, ...diffRouting(recorded, actual, ignore, links.hostOnly)], recorded, present);
  for (const d of diffIptables(recorded.iptables, actual.iptables)) revertChain(c, d, recorded);
  return { ops: c.ops(), manual: c.manual };
}
