import { renderRule } from "../iptables-rule";
import type { TChain, TIptables } from "../parse-iptables-save";
import { diffSequences } from "./sequence-diff";
import { item, type IptablesRuleState, type TypedDriftItem } from "./types";

// iptables, chain by chain. Rules are compared as the iptables-save line without
// counters, and each chain as a sequence (see sequence-diff.ts): a rule inserted at the
// top is one added rule. Item keys name the side a position counts on: "+N" is rule N
// on the host, "-N" is rule N of the inventory, so a rule that moved (removed at one
// position, added at another) keeps two distinct keys.

export type ChainEdit =
  | { op: "keep"; text: string; recordedPosition: number; actualPosition: number }
  | { op: "added"; text: string; actualPosition: number; item: TypedDriftItem }
  | { op: "removed"; text: string; recordedPosition: number; item: TypedDriftItem };

export interface ChainDiff {
  table: string;
  chain: string;
  recorded: TChain | null;
  actual: TChain | null;
  /** The chain itself added/removed, or its policy changed. */
  chainItems: TypedDriftItem[];
  edits: ChainEdit[];
}

function texts(c: TChain | null): string[] {
  return c ? c.rules.map((r) => renderRule(r, { counters: false })) : [];
}

function union<T>(a: T[], b: T[]): T[] {
  return [...a, ...b.filter((x) => !a.includes(x))];
}

function chainDiff(table: string, name: string, rec: TChain | null, act: TChain | null): ChainDiff {
  const chainItems: TypedDriftItem[] = [];
  const builtin = (rec ?? act)?.builtin ?? false;
  if (!builtin && (rec === null) !== (act === null)) {
    const where = rec === null ? "is on the host, not in the inventory" : "is in the inventory, missing on the host";
    const state = { table, chain: name };
    chainItems.push(
      item("iptables-chain", `iptables-chain ${table} ${name}`, rec && state, act && state, `Chain ${name} of table ${table} ${where}.`),
    );
  }
  // A table the host never loaded filters nothing: its built-in chains act as ACCEPT.
  const recPolicy = rec ? rec.policy : builtin ? "ACCEPT" : null;
  const actPolicy = act ? act.policy : builtin ? "ACCEPT" : null;
  if (recPolicy !== null && actPolicy !== null && recPolicy !== actPolicy) {
    chainItems.push(
      item(
        "iptables-policy",
        `iptables-policy ${table} ${name}`,
        { table, chain: name, policy: recPolicy },
        { table, chain: name, policy: actPolicy },
        `Policy of ${table} ${name} is ${actPolicy} on the host, ${recPolicy} in the inventory.`,
      ),
    );
  }
  const a = texts(rec);
  const b = texts(act);
  const edits: ChainEdit[] = diffSequences(a, b).map((e) => {
    if (e.op === "keep") return { op: "keep", text: a[e.a] as string, recordedPosition: e.a + 1, actualPosition: e.b + 1 };
    if (e.op === "added") {
      const state: IptablesRuleState = { table, chain: name, position: e.b + 1, text: b[e.b] as string };
      const summary = `${table} ${name} rule ${state.position} is on the host, not in the inventory: ${state.text}`;
      return {
        op: "added",
        text: state.text,
        actualPosition: state.position,
        item: item("iptables-rule", `iptables ${table} ${name} +${state.position}`, null, state, summary),
      };
    }
    const state: IptablesRuleState = { table, chain: name, position: e.a + 1, text: a[e.a] as string };
    const summary = `${table} ${name} rule ${state.position} of the inventory is missing on the host: ${state.text}`;
    return {
      op: "removed",
      text: state.text,
      recordedPosition: state.position,
      item: item("iptables-rule", `iptables ${table} ${name} -${state.position}`, state, null, summary),
    };
  });
  return { table, chain: name, recorded: rec, actual: act, chainItems, edits };
}

/** Every chain of every table on either side; none when either side's firewall is unknown. */
export function diffIptables(recorded: TIptables | null, actual: TIptables | null): ChainDiff[] {
  if (recorded === null || actual === null) return [];
  const out: ChainDiff[] = [];
  for (const table of union(
    recorded.tables.map((t) => t.name),
    actual.tables.map((t) => t.name),
  )) {
    const rt = recorded.tables.find((t) => t.name === table);
    const at = actual.tables.find((t) => t.name === table);
    for (const chain of union(rt?.chains.map((c) => c.name) ?? [], at?.chains.map((c) => c.name) ?? [])) {
      const d = chainDiff(table, chain, rt?.chains.find((c) => c.name === chain) ?? null, at?.chains.find((c) => c.name === chain) ?? null);
      if (d.chainItems.length > 0 || d.edits.some((e) => e.op !== "keep")) out.push(d);
    }
  }
  return out;
}

export function chainDiffItems(d: ChainDiff): TypedDriftItem[] {
  return [...d.chainItems, ...d.edits.flatMap((e) => (e.op === "keep" ? [] : [e.item]))];
}
