import { parseRule } from "../iptables-rule";
import type { THostNetwork } from "../network-model";
import { labNatNetwork } from "../fixtures/lab-nat-network";
import { parseIptablesSave } from "../parse-iptables-save";

// Models for the safety unit tests, built from the real lab-nat capture (eth0 10.203.0.6/30,
// Labdeck at 10.203.0.5, sshd on 22) and edited the way a plan's projection would be.

export function labNetwork(): THostNetwork {
  return labNatNetwork();
}

export function copy(net: THostNetwork): THostNetwork {
  return structuredClone(net);
}

/** Puts `line` (an iptables-save rule line) at 1-based `position`, or at the end. */
export function insertRule(net: THostNetwork, table: string, line: string, position?: number): THostNetwork {
  const rule = parseRule(line);
  const chain = net.iptables?.tables.find((t) => t.name === table)?.chains.find((c) => c.name === rule.chain);
  if (!chain) throw new Error(`no chain ${table} ${rule.chain} in the model`);
  const at = position === undefined ? chain.rules.length : position - 1;
  chain.rules.splice(at, 0, { ...rule, position: 0 });
  chain.rules.forEach((r, i) => (r.position = i + 1));
  return net;
}

export function addChain(net: THostNetwork, table: string, name: string): THostNetwork {
  net.iptables?.tables
    .find((t) => t.name === table)
    ?.chains.push({ name, policy: null, builtin: false, packets: null, bytes: null, rules: [] });
  return net;
}

/** Replaces the whole rule set, from iptables-save text. */
export function withIptables(net: THostNetwork, save: string): THostNetwork {
  return { ...net, iptables: parseIptablesSave(save) };
}
