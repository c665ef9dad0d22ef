import { badInput } from "../../errors";
import { renderRule, type TIptablesRule } from "../iptables-rule";
import type { TChain, TIptables, TIptablesTable } from "../parse-iptables-save";
import type { OpAt } from "./types";

// Edits to the working iptables model (tables -> chains -> ordered rules). Rules are
// identified by their canonical text without counters, the same text iptables-save
// prints; a rule kept keeps its counters object, so the restore input carries them and
// the firewall page's numbers survive the change.

export type TableName = "filter" | "nat" | "mangle";

const BUILTIN_CHAINS: Record<TableName, string[]> = {
  filter: ["INPUT", "FORWARD", "OUTPUT"],
  nat: ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
  mangle: ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
};

/** A table as the kernel creates it on first use: built-in chains, ACCEPT, no rules. */
export function emptyTable(name: string): TIptablesTable {
  const chains = BUILTIN_CHAINS[name as TableName] ?? [];
  return { name, chains: chains.map((c) => ({ name: c, policy: "ACCEPT", builtin: true, packets: 0, bytes: 0, rules: [] })) };
}

export function getTable(ipt: TIptables | null, name: TableName, at: OpAt): TIptablesTable {
  if (!ipt)
    throw badInput(
      at.field("op"),
      "iptables-save could not run on this host (not root, or iptables missing): the firewall cannot be planned",
    );
  let table = ipt.tables.find((t) => t.name === name);
  if (!table) {
    // iptables-save lists only tables in use; the first rule creates the table.
    table = emptyTable(name);
    ipt.tables.push(table);
  }
  return table;
}

export function getChain(table: TIptablesTable, name: string, at: OpAt, field = "chain"): TChain {
  const chain = table.chains.find((c) => c.name === name);
  if (!chain) throw badInput(at.field(field), `chain ${name} does not exist in table ${table.name}`);
  return chain;
}

export function ruleKey(rule: TIptablesRule): string {
  return renderRule(rule, { counters: false });
}

function renumber(chain: TChain): void {
  chain.rules.forEach((r, i) => {
    r.position = i + 1;
  });
}

export function indexOfRule(chain: TChain, key: string): number {
  return chain.rules.findIndex((r) => ruleKey(r) === key);
}

/** Puts `rule` at the 0-based `index` (clamped to the end), as `iptables -I CHAIN index+1` would. */
export function insertRule(chain: TChain, rule: TIptablesRule, index: number): void {
  chain.rules.splice(Math.min(index, chain.rules.length), 0, { ...rule, position: 0 });
  renumber(chain);
}

export function removeRuleAt(chain: TChain, index: number): void {
  chain.rules.splice(index, 1);
  renumber(chain);
}

/** Tables as comparable text (policies and rules, no counters): what decides "touched". */
export function tableSignature(table: TIptablesTable): string {
  return table.chains.map((c) => [`:${c.name} ${c.policy ?? "-"}`, ...c.rules.map((r) => ruleKey(r))].join("\n")).join("\n");
}

/** Names that iptables refuses for a user chain: built-in chains and the common targets. */
export const RESERVED_CHAIN_NAMES = new Set([
  ...new Set(Object.values(BUILTIN_CHAINS).flat()),
  ...[
    "ACCEPT",
    "DROP",
    "RETURN",
    "QUEUE",
    "REJECT",
    "LOG",
    "NFLOG",
    "NFQUEUE",
    "MASQUERADE",
    "SNAT",
    "DNAT",
    "REDIRECT",
    "MARK",
    "CONNMARK",
  ],
  ...["TCPMSS", "CT", "NOTRACK", "TRACE", "CLASSIFY", "TEE", "AUDIT", "CHECKSUM", "SET", "TPROXY"],
]);
