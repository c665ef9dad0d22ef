import type { TIptablesRule } from "../iptables-rule";
import type { TChain, TIptables, TIptablesTable } from "../parse-iptables-save";
import { matchRule, type SessionPacket } from "./packet-match";

// Where one packet of Labdeck's session ends in an iptables rule set: every way it can
// end, not one guess. A rule that only "maybe" matches splits the walk in two (taken, not
// taken), so the answer is the set of possible endings; the guard refuses a change when a
// bad ending appears that was not already possible before it. Each chain is walked from
// its last rule to its first, the endings of "the rest of the chain" carried along, so a
// host with thousands of rules (kube-proxy) costs one pass per chain and no deep recursion.

export interface BadEnding {
  table: string;
  chain: string;
  /** The rule that drops or redirects the packet; null when the chain's policy does. */
  rule: TIptablesRule | null;
  policy: string | null;
  /** The rule's match could not be decided: it might not apply at all. */
  uncertain: boolean;
  /** Set when the rule set itself cannot be walked (a jump loop). */
  note: string | null;
}

type Ending = { kind: "accept" } | { kind: "fallthrough" } | ({ kind: "bad" } & BadEnding);

export interface FirewallVerdict {
  /** "drop": every ending is bad; "might-drop": some are; "accept": none. */
  severity: "accept" | "might-drop" | "drop";
  bad: BadEnding[];
}

/** What a target does to the session in a table: stop well, stop badly, or neither. */
export interface TargetClasses {
  good: ReadonlySet<string>;
  bad: ReadonlySet<string>;
}

// NFQUEUE/QUEUE hand the packet to a userspace program that may drop it; TARPIT holds it.
export const FILTER_TARGETS: TargetClasses = {
  good: new Set(["ACCEPT"]),
  bad: new Set(["DROP", "REJECT", "TARPIT", "NFQUEUE", "QUEUE"]),
};
// In nat, a DNAT of the session's address and port sends Labdeck's next connection elsewhere.
export const NAT_TARGETS: TargetClasses = {
  good: new Set(["ACCEPT", "SNAT", "MASQUERADE"]),
  bad: new Set(["DNAT", "REDIRECT", "NETMAP"]),
};

export function endingKey(e: BadEnding): string {
  const what = e.note ?? (e.rule ? e.rule.text : `policy ${e.policy ?? "?"}`);
  return `${e.table}/${e.chain}/${what}/${e.uncertain ? "maybe" : "yes"}`;
}

function key(e: Ending): string {
  return e.kind === "bad" ? endingKey(e) : e.kind;
}

function union(a: readonly Ending[], b: readonly Ending[]): Ending[] {
  const seen = new Map<string, Ending>();
  for (const e of [...a, ...b]) if (!seen.has(key(e))) seen.set(key(e), e);
  return [...seen.values()];
}

class ChainWalker {
  private readonly memo = new Map<string, Ending[]>();
  private readonly active = new Set<string>();

  constructor(
    private readonly table: TIptablesTable,
    private readonly packet: SessionPacket,
    private readonly targets: TargetClasses,
  ) {}

  private bad(chain: TChain, rule: TIptablesRule | null, uncertain: boolean, note: string | null = null): Ending {
    return { kind: "bad", table: this.table.name, chain: chain.name, rule, policy: rule ? null : chain.policy, uncertain, note };
  }

  /** How the packet leaves a chain that ran out of rules (or hit RETURN). */
  private end(chain: TChain): Ending {
    if (!chain.builtin) return { kind: "fallthrough" };
    return chain.policy === "ACCEPT" || chain.policy === null ? { kind: "accept" } : this.bad(chain, null, false);
  }

  endings(name: string): Ending[] {
    const cached = this.memo.get(name);
    if (cached) return cached;
    const chain = this.table.chains.find((c) => c.name === name);
    if (!chain) return [{ kind: "fallthrough" }];
    // The kernel refuses jump loops when loading, so one here means the model is not the
    // host's rule set: not provable harmless.
    if (this.active.has(name)) return [this.bad(chain, null, true, `a jump loop through ${name}`)];
    this.active.add(name);
    let next: Ending[] = [this.end(chain)];
    for (let i = chain.rules.length - 1; i >= 0; i--) {
      const rule = chain.rules[i] as TIptablesRule;
      const m = matchRule(rule, this.packet);
      if (m === "no") continue;
      const taken = this.take(chain, rule, m === "maybe", next);
      next = m === "yes" ? taken : union(taken, next);
    }
    this.active.delete(name);
    this.memo.set(name, next);
    return next;
  }

  private take(chain: TChain, rule: TIptablesRule, uncertain: boolean, rest: Ending[]): Ending[] {
    const target = rule.target;
    if (!target) return rest;
    if (this.targets.good.has(target.name)) return [{ kind: "accept" }];
    if (this.targets.bad.has(target.name)) return [this.bad(chain, rule, uncertain)];
    if (target.name === "RETURN") return [this.end(chain)];
    if (!this.table.chains.some((c) => c.name === target.name && !c.builtin)) return rest; // LOG, MARK, CT...
    // A jump comes back to the rule after it; a goto comes back to whoever called this chain.
    return this.endings(target.name).flatMap((e) => (e.kind !== "fallthrough" ? [e] : target.goto ? [this.end(chain)] : rest));
  }
}

/** Endings of one built-in chain; null when the table or chain is absent (not loaded). */
export function chainEndings(ipt: TIptables, table: string, chain: string, packet: SessionPacket, targets: TargetClasses): Ending[] | null {
  const t = ipt.tables.find((x) => x.name === table);
  if (!t || !t.chains.some((c) => c.name === chain)) return null;
  return new ChainWalker(t, packet, targets).endings(chain);
}

/**
 * The packet's path through several hooks in order (raw PREROUTING, mangle PREROUTING,
 * nat PREROUTING, ... filter INPUT): bad endings of every hook a surviving path reaches.
 */
export function evaluatePath(
  ipt: TIptables,
  stages: ReadonlyArray<{ table: string; chain: string; packet: SessionPacket; targets: TargetClasses }>,
): FirewallVerdict {
  const bad: BadEnding[] = [];
  for (const s of stages) {
    const endings = chainEndings(ipt, s.table, s.chain, s.packet, s.targets);
    if (endings === null) continue;
    for (const e of endings) if (e.kind === "bad") bad.push(e);
    if (!endings.some((e) => e.kind !== "bad")) return { severity: "drop", bad };
  }
  return { severity: bad.length > 0 ? "might-drop" : "accept", bad };
}
