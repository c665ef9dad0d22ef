import { describe, expect, it } from "vitest";
import { LabdeckError } from "../../errors";
import { ZNetOp, type TNetOpInput } from "../ops";
import { findChain, parseIptablesSave } from "../parse-iptables-save";
import { buildNetworkPlan } from "./build-plan";
import { labNatNetwork } from "../fixtures/lab-nat-network";

const ctx = { workDir: "/tmp/labdeck-lab/x/run/network/c1" };
const net = labNatNetwork();
const plan = (ops: TNetOpInput[], from = net) =>
  buildNetworkPlan(
    from,
    ops.map((o) => ZNetOp.parse(o)),
    ctx,
  );
const texts = (ipt: ReturnType<typeof plan>["projected"]["iptables"], table: string, chain: string) =>
  findChain(ipt!, table, chain)?.rules.map((r) => r.text);

function refusedField(ops: TNetOpInput[], from = net): string | undefined {
  try {
    plan(ops, from);
  } catch (e) {
    if (e instanceof LabdeckError && e.code === "BAD_INPUT") return e.field;
    throw e;
  }
  throw new Error("not refused");
}

const NAT_COMMENT = '-m comment --comment "labdeck nat 10.44.0.0/24 via eth0"';

describe("NAT and port forwards", () => {
  it("adds MASQUERADE with the FORWARD pair at the top, as one rule set written, tested, applied", () => {
    const r = plan([{ op: "nat.add", source: "10.44.0.0/24", outInterface: "eth0" }]);
    expect(texts(r.projected.iptables, "nat", "POSTROUTING")?.at(-1)).toBe(
      `-A POSTROUTING -s 10.44.0.0/24 -o eth0 ${NAT_COMMENT} -j MASQUERADE`,
    );
    expect(texts(r.projected.iptables, "filter", "FORWARD")?.slice(0, 2)).toEqual([
      `-A FORWARD -s 10.44.0.0/24 -o eth0 ${NAT_COMMENT} -j ACCEPT`,
      `-A FORWARD -d 10.44.0.0/24 -i eth0 -m conntrack --ctstate RELATED,ESTABLISHED ${NAT_COMMENT} -j ACCEPT`,
    ]);
    expect(r.firewall?.tables.map((t) => t.name)).toEqual(["filter", "nat"]);
    const dir = ctx.workDir;
    expect(r.steps).toEqual([
      { argv: ["mkdir", "-p", "--", dir], purpose: expect.any(String) },
      {
        argv: ["sh", "-c", expect.stringContaining('iptables-save -c -t "$t"'), "sh", `${dir}/iptables.before`, "filter", "nat"],
        purpose: expect.any(String),
      },
      { argv: ["sh", "-c", 'cat > "$1"', "sh", `${dir}/iptables.rules`], purpose: expect.any(String), stdin: r.firewall?.restoreText },
      { argv: ["iptables-restore", "--test", `${dir}/iptables.rules`], purpose: expect.any(String) },
      {
        argv: ["iptables-restore", "-c", `${dir}/iptables.rules`],
        purpose: expect.any(String),
        undo: ["iptables-restore", "-c", `${dir}/iptables.before`],
      },
    ]);
    expect(plan([{ op: "nat.add", source: "10.44.0.0/24", outInterface: "eth0" }], r.projected).steps).toEqual([]);
  });

  it("removes every rule of a recipe together, and is in place when none is left", () => {
    const added = plan([{ op: "nat.add", source: "10.44.0.9/24", outInterface: "eth0", toSource: "10.203.0.6" }]).projected;
    const r = plan([{ op: "nat.remove", source: "10.44.0.0/24", outInterface: "eth0", toSource: "10.203.0.6" }], added);
    expect(r.projected.iptables).toEqual(net.iptables);
    expect(plan([{ op: "nat.remove", source: "10.44.0.0/24", outInterface: "eth0" }]).steps).toEqual([]);
  });

  it("forwards a host port to a guest with the DNAT and the guest-side accept", () => {
    const op: TNetOpInput = {
      op: "portforward.add",
      protocol: "tcp",
      hostPort: 8080,
      inInterface: "eth0",
      toAddress: "192.168.2.20",
      toPort: 80,
    };
    const r = plan([op]);
    const c = '-m comment --comment "labdeck portforward tcp 8080 -> 192.168.2.20:80"';
    expect(texts(r.projected.iptables, "nat", "PREROUTING")?.at(-1)).toBe(
      `-A PREROUTING -i eth0 -p tcp -m tcp --dport 8080 ${c} -j DNAT --to-destination 192.168.2.20:80`,
    );
    expect(texts(r.projected.iptables, "filter", "FORWARD")?.[0]).toBe(
      `-A FORWARD -d 192.168.2.20/32 -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW,RELATED,ESTABLISHED ${c} -j ACCEPT`,
    );
    expect(plan([op], r.projected).steps).toEqual([]);
    const back = plan([{ ...op, op: "portforward.remove" }], r.projected);
    expect(back.projected.iptables).toEqual(net.iptables);
  });
});

describe("the restore input", () => {
  it("holds only the touched tables and gives back every untouched rule byte for byte with its counters", () => {
    const r = plan([
      { op: "rule.append", table: "filter", chain: "LAB-IN", rule: { protocol: "tcp", destinationPort: 22, target: { kind: "ACCEPT" } } },
    ]);
    const text = r.firewall?.restoreText ?? "";
    expect(text).not.toContain("*nat");
    expect(text).not.toContain("*mangle");
    const back = parseIptablesSave(text);
    const before = net.iptables!.tables.find((t) => t.name === "filter")!;
    const after = back.tables.find((t) => t.name === "filter")!;
    expect(after.chains.map((c) => [c.name, c.policy, c.packets, c.bytes])).toEqual(
      before.chains.map((c) => [c.name, c.policy, c.packets, c.bytes]),
    );
    for (const chain of before.chains) {
      const got = after.chains.find((c) => c.name === chain.name)!.rules;
      const kept = chain.name === "LAB-IN" ? got.slice(0, -1) : got;
      expect(kept.map((x) => [x.text, x.packets, x.bytes])).toEqual(chain.rules.map((x) => [x.text, x.packets, x.bytes]));
    }
    expect(after.chains.find((c) => c.name === "LAB-IN")?.rules.at(-1)?.text).toBe("-A LAB-IN -p tcp -m tcp --dport 22 -j ACCEPT");
    // The quoted comments of the capture (', ", \) survive as iptables-save wrote them.
    expect(text).toContain(`-A OUTPUT -o eth0 -m comment --comment "it\\'s a \\'quoted\\' \\\\ back" -j ACCEPT`);
  });

  it("uses the host's iptables family", () => {
    const r = buildNetworkPlan(net, [ZNetOp.parse({ op: "chain.create", table: "nat", chain: "LAB-DNAT" })], {
      ...ctx,
      iptables: "iptables-legacy",
    });
    expect(r.steps.map((s) => (s.argv[0] === "sh" ? s.argv[2] : s.argv[0]))).toEqual([
      "mkdir",
      expect.stringContaining('iptables-legacy-save -c -t "$t"'),
      'cat > "$1"',
      "iptables-legacy-restore",
      "iptables-legacy-restore",
    ]);
    expect(r.firewall?.restoreText).toContain(":LAB-DNAT - [0:0]");
  });
});

describe("rule ops", () => {
  const accept22 = { protocol: "tcp", destinationPort: 22, target: { kind: "ACCEPT" } } as const;

  it("inserts at a position, moves a rule found elsewhere, and is in place where asked", () => {
    const r = plan([{ op: "rule.insert", table: "filter", chain: "LAB-IN", position: 1, rule: accept22 }]);
    expect(texts(r.projected.iptables, "filter", "LAB-IN")?.[0]).toBe("-A LAB-IN -p tcp -m tcp --dport 22 -j ACCEPT");
    expect(plan([{ op: "rule.insert", table: "filter", chain: "LAB-IN", position: 1, rule: accept22 }], r.projected).steps).toEqual([]);
    const moved = plan([{ op: "rule.insert", table: "filter", chain: "LAB-IN", position: 3, rule: accept22 }], r.projected);
    expect(texts(moved.projected.iptables, "filter", "LAB-IN")).toEqual([
      "-A LAB-IN -s 192.168.2.66/32 -j RETURN",
      expect.stringContaining("multiport"),
      "-A LAB-IN -p tcp -m tcp --dport 22 -j ACCEPT",
    ]);
    // One past the end of a chain that already holds the rule last: in place, not moved for ever.
    expect(plan([{ op: "rule.insert", table: "filter", chain: "LAB-IN", position: 4, rule: accept22 }], moved.projected).steps).toEqual([]);
    expect(refusedField([{ op: "rule.insert", table: "filter", chain: "LAB-IN", position: 4, rule: accept22 }])).toBe("ops.0.position");
  });

  it("replaces only when the rule at the position is still the expected one", () => {
    const expectText = "-A LAB-IN -s 192.168.2.66/32 -j RETURN";
    const op: TNetOpInput = {
      op: "rule.replace",
      table: "filter",
      chain: "LAB-IN",
      position: 1,
      expect: expectText,
      rule: { source: "192.168.2.67", target: { kind: "RETURN" } },
    };
    const r = plan([op]);
    expect(texts(r.projected.iptables, "filter", "LAB-IN")?.[0]).toBe("-A LAB-IN -s 192.168.2.67/32 -j RETURN");
    // Planned again after it ran: in place, not refused for a stale `expect`.
    expect(plan([op], r.projected).steps).toEqual([]);
    expect(refusedField([{ ...op, expect: "-A LAB-IN -s 192.168.2.65/32 -j RETURN" } as TNetOpInput])).toBe("ops.0.expect");
    expect(refusedField([{ ...op, position: 9 } as TNetOpInput])).toBe("ops.0.position");
  });

  it("deletes by text (with or without counters and -A) once", () => {
    const r = plan([{ op: "rule.delete", table: "filter", chain: "INPUT", text: "[0:0] -A INPUT -i lo -j ACCEPT" }]);
    expect(texts(r.projected.iptables, "filter", "INPUT")).not.toContain("-A INPUT -i lo -j ACCEPT");
    expect(plan([{ op: "rule.delete", table: "filter", chain: "INPUT", text: "-i lo -j ACCEPT" }], r.projected).steps).toEqual([]);
    expect(refusedField([{ op: "rule.delete", table: "filter", chain: "INPUT", text: "-A FORWARD -j ACCEPT" }])).toBe("ops.0.text");
  });

  it("refuses inconsistent rule, chain and policy ops before any step exists", () => {
    expect(refusedField([{ op: "rule.append", table: "filter", chain: "NOPE", rule: accept22 }])).toBe("ops.0.chain");
    expect(
      refusedField([{ op: "rule.append", table: "filter", chain: "FORWARD", rule: { target: { kind: "chain", chain: "LAB-MISSING" } } }]),
    ).toBe("ops.0.rule.target.chain");
    expect(refusedField([{ op: "rule.append", table: "filter", chain: "FORWARD", rule: { target: { kind: "MASQUERADE" } } }])).toBe(
      "ops.0.rule.target.kind",
    );
    expect(refusedField([{ op: "chain.delete", table: "filter", chain: "LAB-IN" }])).toBe("ops.0.chain");
    expect(refusedField([{ op: "chain.delete", table: "filter", chain: "INPUT" }])).toBe("ops.0.chain");
    expect(refusedField([{ op: "chain.create", table: "filter", chain: "LOG" }])).toBe("ops.0.chain");
    expect(refusedField([{ op: "policy.set", table: "nat", chain: "INPUT", policy: "DROP" }])).toBe("ops.0.policy");
    expect(refusedField([{ op: "policy.set", table: "nat", chain: "FORWARD", policy: "ACCEPT" }])).toBe("ops.0.chain");
    expect(refusedField([{ op: "nat.add", source: "10.44.0.0/24", outInterface: "eth0" }], { ...net, iptables: null })).toBe("ops.0.op");
  });

  it("creates a chain, then a jump to it in the same list; deletes an unused empty chain", () => {
    const r = plan([
      { op: "chain.create", table: "filter", chain: "LAB-FWD" },
      { op: "rule.append", table: "filter", chain: "FORWARD", rule: { inInterface: "br0", target: { kind: "chain", chain: "LAB-FWD" } } },
    ]);
    expect(r.firewall?.restoreText).toContain(":LAB-FWD - [0:0]\n");
    expect(r.firewall?.restoreText).toContain("\n-A FORWARD -i br0 -j LAB-FWD\n");
    const gone = plan(
      [
        { op: "rule.delete", table: "filter", chain: "FORWARD", text: "-A FORWARD -i br0 -j LAB-FWD" },
        { op: "chain.delete", table: "filter", chain: "LAB-FWD" },
      ],
      r.projected,
    );
    expect(gone.projected.iptables).toEqual(net.iptables);
  });

  it("sets a built-in chain's policy; the same policy is in place", () => {
    expect(plan([{ op: "policy.set", table: "filter", chain: "FORWARD", policy: "DROP" }]).steps).toEqual([]);
    const r = plan([{ op: "policy.set", table: "filter", chain: "FORWARD", policy: "ACCEPT" }]);
    expect(r.firewall?.restoreText).toContain(":FORWARD ACCEPT [0:0]");
  });
});
