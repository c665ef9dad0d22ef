import { describe, expect, it } from "vitest";
import { LabdeckError } from "../../errors";
import { renderRule } from "../iptables-rule";
import type { TRuleSpec } from "../ops";
import { emptyTable } from "./firewall-model";
import { RULE_SPEC_CASES } from "./rule-spec-cases";
import { checkSpec, renderSpec, specToRule } from "./rule-spec";
import { opAt } from "./types";

describe("rule specs render as iptables-save prints them", () => {
  it.each(RULE_SPEC_CASES.map((c) => [c.line, c] as const))("%s", (_line, c) => {
    expect(renderSpec(c.chain, c.spec)).toBe(c.line);
    // The structured rule renders back to the same text: it is what rule equality compares.
    const rule = specToRule(c.chain, c.spec);
    expect(rule.text).toBe(c.line);
    expect(renderRule(rule, { counters: false })).toBe(c.line);
  });
});

describe("checkSpec refuses what iptables or the kernel would", () => {
  const filter = emptyTable("filter");
  filter.chains.push({ name: "LABX", policy: null, builtin: false, packets: 0, bytes: 0, rules: [] });
  const nat = emptyTable("nat");
  const refusal = (table: typeof filter, chain: string, spec: TRuleSpec) => {
    try {
      checkSpec(table, chain, spec, opAt(4), "rule");
    } catch (e) {
      return e instanceof LabdeckError && e.code === "BAD_INPUT" ? e.field : `unexpected ${String(e)}`;
    }
    return null;
  };

  it("names the field of the offending part", () => {
    expect(refusal(filter, "FORWARD", { destinationPort: 22, target: { kind: "ACCEPT" } })).toBe("ops.4.rule.protocol");
    expect(refusal(filter, "FORWARD", { protocol: "icmp", sourcePort: 1, target: { kind: "ACCEPT" } })).toBe("ops.4.rule.protocol");
    expect(refusal(filter, "FORWARD", { target: { kind: "chain", chain: "NOPE" } })).toBe("ops.4.rule.target.chain");
    expect(refusal(filter, "FORWARD", { target: { kind: "chain", chain: "INPUT" } })).toBe("ops.4.rule.target.chain");
    expect(refusal(filter, "LABX", { target: { kind: "chain", chain: "LABX" } })).toBe("ops.4.rule.target.chain");
    expect(refusal(filter, "FORWARD", { target: { kind: "MASQUERADE" } })).toBe("ops.4.rule.target.kind");
    expect(refusal(nat, "PREROUTING", { target: { kind: "MASQUERADE" } })).toBe("ops.4.rule.target.kind");
    expect(refusal(nat, "POSTROUTING", { target: { kind: "DNAT", toDestination: "10.0.0.1" } })).toBe("ops.4.rule.target.kind");
    expect(refusal(nat, "PREROUTING", { target: { kind: "DROP" } })).toBe("ops.4.rule.target.kind");
    expect(refusal(filter, "FORWARD", { protocol: "udp", target: { kind: "REJECT", with: "tcp-reset" } })).toBe("ops.4.rule.target.with");
    expect(refusal(filter, "OUTPUT", { inInterface: "eth0", target: { kind: "ACCEPT" } })).toBe("ops.4.rule.inInterface");
    expect(refusal(nat, "PREROUTING", { outInterface: "eth0", target: { kind: "ACCEPT" } })).toBe("ops.4.rule.outInterface");
  });

  it("accepts what iptables accepts", () => {
    expect(refusal(filter, "FORWARD", { target: { kind: "chain", chain: "LABX", goto: true } })).toBeNull();
    expect(refusal(nat, "POSTROUTING", { source: "10.0.0.0/8", target: { kind: "SNAT", toSource: "10.203.0.2" } })).toBeNull();
    expect(
      refusal(nat, "OUTPUT", { protocol: "tcp", destinationPort: 80, target: { kind: "DNAT", toDestination: "10.0.0.2", toPort: 8080 } }),
    ).toBeNull();
    expect(refusal(filter, "FORWARD", { protocol: "tcp", target: { kind: "REJECT", with: "tcp-reset" } })).toBeNull();
  });
});
