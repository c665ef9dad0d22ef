import { badInput } from "../../errors";
import { parseRule } from "../iptables-rule";
import type { TNetOp } from "../ops";
import { natRecipe, portForwardRecipe, type RecipeRule } from "./firewall-recipes";
import { getChain, getTable, indexOfRule, insertRule, removeRuleAt, RESERVED_CHAIN_NAMES, ruleKey } from "./firewall-model";
import type { Net } from "./project";
import { checkSpec, specToRule } from "./rule-spec";
import { inPlace, type OpAt, type OpResult } from "./types";

// Firewall ops applied to the working iptables model. No op emits a step of its own: the
// changed tables are written at the end as one iptables-restore input (firewall-restore.ts),
// which replaces each table atomically, so a rule set is never half applied and a rule
// position means the same thing in the plan and on the host.

export type FirewallOp = Extract<
  TNetOp,
  { op: `rule.${string}` | `chain.${string}` | "policy.set" | `nat.${string}` | `portforward.${string}` }
>;

function changed(summary: string): OpResult {
  return { status: "change", summary, steps: [] };
}

/** A user's rule text -> canonical key. The text is only compared, never sent to a host. */
function textKey(text: string, chain: string, at: OpAt, field: string): string {
  let line = text.trim().replace(/^\[\d+:\d+\]\s+/, "");
  if (!line.startsWith("-A ")) line = `-A ${chain} ${line}`;
  let rule;
  try {
    rule = parseRule(line);
  } catch {
    throw badInput(at.field(field), "not an iptables-save rule line");
  }
  if (rule.chain !== chain) throw badInput(at.field(field), `the line is for chain ${rule.chain}, not ${chain}`);
  return ruleKey(rule);
}

function applyRecipe(net: Net, rules: RecipeRule[], adding: boolean, at: OpAt): number {
  let edits = 0;
  let top = 0;
  for (const r of rules) {
    const chain = getChain(getTable(net.iptables, r.table, at), r.chain, at);
    const rule = specToRule(r.chain, r.spec);
    const i = indexOfRule(chain, ruleKey(rule));
    if (!adding) {
      if (i >= 0) {
        removeRuleAt(chain, i);
        edits++;
      }
    } else if (i >= 0) {
      if (r.place === "top") top = i + 1;
    } else {
      insertRule(chain, rule, r.place === "top" ? top++ : chain.rules.length);
      edits++;
    }
  }
  return edits;
}

export function planFirewallOp(net: Net, op: FirewallOp, at: OpAt): OpResult {
  switch (op.op) {
    case "nat.add":
    case "nat.remove": {
      const adding = op.op === "nat.add";
      const what = `NAT of ${op.source} out of ${op.outInterface}${op.toSource ? ` as ${op.toSource}` : ""}`;
      const edits = applyRecipe(net, natRecipe(op), adding, at);
      if (edits === 0) return inPlace(adding ? `${what} is in place` : `no ${what}`);
      return changed(adding ? `add ${what} (POSTROUTING + FORWARD both ways)` : `remove ${what}`);
    }
    case "portforward.add":
    case "portforward.remove": {
      const adding = op.op === "portforward.add";
      const what = `port forward ${op.protocol} ${op.hostAddress ?? "*"}:${op.hostPort}${op.inInterface ? ` on ${op.inInterface}` : ""} -> ${op.toAddress}:${op.toPort}`;
      const edits = applyRecipe(net, portForwardRecipe(op), adding, at);
      if (edits === 0) return inPlace(adding ? `${what} is in place` : `no ${what}`);
      return changed(adding ? `add ${what}` : `remove ${what}`);
    }
    case "rule.append":
    case "rule.insert": {
      const table = getTable(net.iptables, op.table, at);
      const chain = getChain(table, op.chain, at);
      checkSpec(table, op.chain, op.rule, at, "rule");
      const rule = specToRule(op.chain, op.rule);
      const where = `${op.table} ${op.chain}`;
      const i = indexOfRule(chain, ruleKey(rule));
      if (op.op === "rule.append") {
        if (i >= 0) return inPlace(`rule ${i + 1} of ${where} is ${rule.text}`);
        insertRule(chain, rule, chain.rules.length);
        return changed(`append to ${where}: ${rule.text}`);
      }
      if (op.position > chain.rules.length + 1)
        throw badInput(
          at.field("position"),
          `${where} has ${chain.rules.length} rule(s): the position can be at most ${chain.rules.length + 1}`,
        );
      // Already elsewhere in the chain: moved, so the chain holds it once, where asked
      // (at most at the end: "after the last rule" of a chain that has it is the last rule).
      const position = i >= 0 ? Math.min(op.position, chain.rules.length) : op.position;
      if (i === position - 1) return inPlace(`rule ${position} of ${where} is ${rule.text}`);
      const kept = i >= 0 ? chain.rules[i] : undefined;
      if (i >= 0) removeRuleAt(chain, i);
      insertRule(chain, kept ?? rule, position - 1);
      return changed(`${i >= 0 ? `move rule ${i + 1} of ${where} to` : `insert into ${where} at`} ${position}: ${rule.text}`);
    }
    case "rule.replace": {
      const table = getTable(net.iptables, op.table, at);
      const chain = getChain(table, op.chain, at);
      checkSpec(table, op.chain, op.rule, at, "rule");
      const rule = specToRule(op.chain, op.rule);
      const where = `${op.table} ${op.chain}`;
      const cur = chain.rules[op.position - 1];
      if (!cur) throw badInput(at.field("position"), `${where} has no rule ${op.position} (it has ${chain.rules.length})`);
      // Checked first so the same op planned again, after it ran, is in place, not refused.
      if (ruleKey(cur) === ruleKey(rule)) return inPlace(`rule ${op.position} of ${where} is ${rule.text}`);
      if (ruleKey(cur) !== textKey(op.expect, op.chain, at, "expect")) {
        throw badInput(at.field("expect"), `rule ${op.position} of ${where} is now "${cur.text}": read the firewall again`);
      }
      removeRuleAt(chain, op.position - 1);
      insertRule(chain, rule, op.position - 1);
      return changed(`replace rule ${op.position} of ${where} with ${rule.text}`);
    }
    case "rule.delete": {
      const key = textKey(op.text, op.chain, at, "text");
      // A chain that is gone holds no rule: deleting from it is in place, like deleting twice.
      const chain = getTable(net.iptables, op.table, at).chains.find((c) => c.name === op.chain);
      if (!chain) return inPlace(`no chain ${op.chain} in ${op.table}, so no such rule`);
      const i = indexOfRule(chain, key);
      if (i < 0) return inPlace(`no such rule in ${op.table} ${op.chain}`);
      const text = chain.rules[i]?.text ?? op.text;
      removeRuleAt(chain, i);
      return changed(`delete rule ${i + 1} of ${op.table} ${op.chain}: ${text}`);
    }
    case "chain.create": {
      const table = getTable(net.iptables, op.table, at);
      if (table.chains.some((c) => c.name === op.chain)) return inPlace(`chain ${op.chain} exists in ${op.table}`);
      if (RESERVED_CHAIN_NAMES.has(op.chain)) throw badInput(at.field("chain"), `${op.chain} is a built-in chain or target name`);
      table.chains.push({ name: op.chain, policy: null, builtin: false, packets: 0, bytes: 0, rules: [] });
      return changed(`create chain ${op.chain} in ${op.table}`);
    }
    case "chain.delete": {
      const table = getTable(net.iptables, op.table, at);
      const chain = table.chains.find((c) => c.name === op.chain);
      if (!chain) return inPlace(`no chain ${op.chain} in ${op.table}`);
      if (chain.builtin) throw badInput(at.field("chain"), `${op.chain} is a built-in chain`);
      if (chain.rules.length > 0) throw badInput(at.field("chain"), `chain ${op.chain} still has ${chain.rules.length} rule(s)`);
      const user = table.chains.flatMap((c) => c.rules).find((r) => r.target?.name === op.chain);
      if (user) throw badInput(at.field("chain"), `chain ${op.chain} is still used by rule ${user.position} of ${user.chain}`);
      table.chains = table.chains.filter((c) => c !== chain);
      return changed(`delete chain ${op.chain} from ${op.table}`);
    }
    case "policy.set": {
      const chain = getChain(getTable(net.iptables, op.table, at), op.chain, at);
      if (!chain.builtin) throw badInput(at.field("chain"), `${op.chain} is a user chain: only built-in chains have a policy`);
      if (op.table === "nat" && op.policy === "DROP")
        throw badInput(at.field("policy"), "the nat table does not filter: its policies stay ACCEPT");
      if (chain.policy === op.policy) return inPlace(`${op.table} ${op.chain} policy is ${op.policy}`);
      chain.policy = op.policy;
      return changed(`set the policy of ${op.table} ${op.chain} to ${op.policy}`);
    }
  }
}
