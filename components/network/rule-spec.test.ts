import { describe, expect, it } from "vitest";
import { ZNetOp } from "@/server/network/ops";
import { EMPTY_RULE_FORM, ruleSpecFromForm, ruleSummary } from "./rule-spec";

// The form's output must be exactly what the server's op schema takes: each case is also
// parsed with ZNetOp (a test may import server code; the page does not).

const parse = (rule: unknown) => ZNetOp.safeParse({ op: "rule.append", table: "filter", chain: "INPUT", rule });

describe("firewall rule form", () => {
  it("an SSH accept with ctstate and a comment", () => {
    const r = ruleSpecFromForm({
      ...EMPTY_RULE_FORM,
      protocol: "tcp",
      destinationPort: "22",
      inInterface: "eth0",
      ctstate: ["NEW"],
      comment: "ssh in",
    });
    expect(r).toEqual({
      ok: true,
      rule: { protocol: "tcp", inInterface: "eth0", destinationPort: 22, ctstate: ["NEW"], comment: "ssh in", target: { kind: "ACCEPT" } },
    });
    if (r.ok) {
      expect(parse(r.rule).success).toBe(true);
      expect(ruleSummary(r.rule)).toBe("tcp in eth0 dport 22 state NEW → ACCEPT");
    }
  });

  it("LOG with prefix and level, negated source, port range, wildcard interface", () => {
    const r = ruleSpecFromForm({
      ...EMPTY_RULE_FORM,
      protocol: "udp",
      source: "10.0.0.0/8",
      sourceNegated: true,
      destinationPort: "1000:2000",
      inInterface: "tap+",
      target: "LOG",
      logPrefix: "lab in: ",
      logLevel: "info",
    });
    expect(r.ok && r.rule).toMatchObject({
      source: "10.0.0.0/8",
      sourceNegated: true,
      destinationPort: { from: 1000, to: 2000 },
      target: { kind: "LOG", prefix: "lab in: ", level: "info" },
    });
    if (r.ok) expect(parse(r.rule).success).toBe(true);
  });

  it("REJECT with, DNAT with port, jump to a user chain", () => {
    for (const form of [
      { ...EMPTY_RULE_FORM, protocol: "tcp" as const, target: "REJECT", rejectWith: "tcp-reset" },
      {
        ...EMPTY_RULE_FORM,
        protocol: "tcp" as const,
        destinationPort: "8022",
        target: "DNAT",
        toDestination: "192.168.2.10",
        toPort: "22",
      },
      { ...EMPTY_RULE_FORM, inInterface: "br+", target: "chain", chain: "LAB-IN" },
    ]) {
      const r = ruleSpecFromForm(form);
      expect(r.ok).toBe(true);
      if (r.ok) expect(parse(r.rule).success).toBe(true);
    }
  });

  it("names each bad field", () => {
    const r = ruleSpecFromForm({
      ...EMPTY_RULE_FORM,
      source: "10.0.0",
      destinationPort: "22",
      comment: 'say "hi"',
      target: "SNAT",
      toSource: "x",
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(["comment", "destinationPort", "source", "toSource"]);
  });
});
