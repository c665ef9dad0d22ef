import { describe, expect, it } from "vitest";
import { buildHostNetwork, type THostNetwork, type TNetworkLink } from "../network-model";
import { labNatNetwork, labNatOutputs } from "../fixtures/lab-nat-network";
import { revertOps } from "./revert-ops";

function link(net: THostNetwork, name: string): TNetworkLink {
  const l = net.links.find((x) => x.name === name);
  if (!l) throw new Error(`no link ${name} in the fixture`);
  return l;
}

function withIptables(edit: (text: string) => string): THostNetwork {
  const out = labNatOutputs();
  return buildHostNetwork({ ...out, iptables: edit(out.iptables as string) });
}

describe("revertOps", () => {
  it("nothing to do when nothing drifted", () => {
    expect(revertOps(labNatNetwork(), labNatNetwork())).toEqual({ ops: [], manual: [] });
  });

  it("deletes a bridge added on the host", () => {
    const actual = labNatNetwork();
    actual.links.push({ ...structuredClone(link(actual, "br0")), name: "br9", addresses: [] });
    expect(revertOps(labNatNetwork(), actual)).toEqual({ ops: [{ op: "bridge.delete", name: "br9" }], manual: [] });
  });

  it("adds back a deleted route", () => {
    const actual = labNatNetwork();
    actual.routes = actual.routes.filter((r) => r.dst !== "172.16.5.0/24");
    expect(revertOps(labNatNetwork(), actual).ops).toEqual([
      { op: "route.add", table: "main", dst: "172.16.5.0/24", via: "10.99.0.2", dev: "up2", metric: 50 },
    ]);
  });

  it("deletes a rule inserted at the top by its text, and re-inserts a lost one at its position", () => {
    const added = withIptables((t) => t.replace(":LAB-IN - [0:0]\n", ":LAB-IN - [0:0]\n[0:0] -A INPUT -s 203.0.113.9/32 -j DROP\n"));
    expect(revertOps(labNatNetwork(), added).ops).toEqual([
      { op: "rule.delete", table: "filter", chain: "INPUT", text: "-A INPUT -s 203.0.113.9/32 -j DROP" },
    ]);
    const lost = withIptables((t) => t.replace("[0:0] -A INPUT -i lo -j ACCEPT\n", ""));
    expect(revertOps(labNatNetwork(), lost).ops).toEqual([
      { op: "rule.insert", table: "filter", chain: "INPUT", position: 2, rule: { inInterface: "lo", target: { kind: "ACCEPT" } } },
    ]);
  });

  it("puts a moved rule back in place: deletes first, then inserts", () => {
    const moved = withIptables((t) =>
      t
        .replace("[0:0] -A INPUT -i lo -j ACCEPT\n", "")
        .replace("[0:0] -A INPUT -i br+ -j LAB-IN\n", "[0:0] -A INPUT -i br+ -j LAB-IN\n[0:0] -A INPUT -i lo -j ACCEPT\n"),
    );
    expect(revertOps(labNatNetwork(), moved).ops).toEqual([
      { op: "rule.delete", table: "filter", chain: "INPUT", text: "-A INPUT -i lo -j ACCEPT" },
      { op: "rule.insert", table: "filter", chain: "INPUT", position: 2, rule: { inInterface: "lo", target: { kind: "ACCEPT" } } },
    ]);
  });

  it("sets STP back with only the fields that changed", () => {
    const actual = labNatNetwork();
    const br0 = link(actual, "br0");
    br0.bridge = { ...br0.bridge!, stp: false, forwardDelayCs: 1500 };
    expect(revertOps(labNatNetwork(), actual).ops).toEqual([{ op: "bridge.set", name: "br0", stp: true, forwardDelayCs: 800 }]);
  });

  it("takes away before it puts back, links before what hangs on them, firewall last", () => {
    const actual = withIptables((t) => t.replace(":FORWARD DROP [0:0]", ":FORWARD ACCEPT [0:0]"));
    actual.links = actual.links.filter((l) => l.name !== "br0");
    for (const l of actual.links) if (l.master === "br0") l.master = null;
    actual.routes = actual.routes.filter((r) => r.dev !== "br0");
    actual.routes.push({
      ...actual.routes.find((r) => r.dst === "172.16.5.0/24")!,
      dst: "10.66.0.0/16",
      gateway: "10.99.0.3",
      metric: null,
    });
    actual.rules.push({ ...actual.rules.find((r) => r.priority === 1000)!, priority: 900, from: "10.66.0.0/16" });
    actual.ipForward = false;
    expect(revertOps(labNatNetwork(), actual)).toEqual({
      ops: [
        { op: "iprule.delete", priority: 900, from: "10.66.0.0/16", table: 100 },
        { op: "route.delete", table: "main", dst: "10.66.0.0/16", via: "10.99.0.3", dev: "up2" },
        { op: "bridge.create", name: "br0", stp: true, forwardDelayCs: 800, helloTimeCs: 300, maxAgeCs: 2500 },
        { op: "port.attach", port: "tap0", bridge: "br0" },
        { op: "port.attach", port: "tap1", bridge: "br0" },
        { op: "port.attach", port: "vlab0", bridge: "br0" },
        { op: "address.add", dev: "br0", cidr: "192.168.2.1/24" },
        { op: "route.add", table: 100, dst: "192.168.2.0/24", dev: "br0" },
        { op: "forward.set", enabled: true },
        { op: "policy.set", table: "filter", chain: "FORWARD", policy: "DROP" },
      ],
      manual: [],
    });
  });

  it("re-creates a lost TAP on its bridge and replaces a changed policy rule", () => {
    const actual = labNatNetwork();
    actual.links = actual.links.filter((l) => l.name !== "tap1");
    Object.assign(
      actual.rules.find((r) => r.priority === 1000)!,
      { table: "200", tableId: 200 },
    );
    expect(revertOps(labNatNetwork(), actual).ops).toEqual([
      { op: "iprule.delete", priority: 1000, from: "192.168.2.10", table: 200 },
      { op: "tap.create", name: "tap1", user: "nobody", group: "nogroup", bridge: "br0" },
      { op: "iprule.add", priority: 1000, from: "192.168.2.10", table: 100 },
    ]);
  });

  it("removes a user chain after the rules in it and jumping to it", () => {
    const actual = withIptables((t) =>
      t
        .replace(":LAB-IN - [0:0]\n", ":LAB-IN - [0:0]\n:EXTRA - [0:0]\n[0:0] -A INPUT -j EXTRA\n")
        .replace(
          "[0:0] -A LAB-IN -s 192.168.2.66/32 -j RETURN\n",
          "[0:0] -A LAB-IN -s 192.168.2.66/32 -j RETURN\n[0:0] -A EXTRA -p udp -j DROP\n",
        ),
    );
    expect(revertOps(labNatNetwork(), actual).ops).toEqual([
      { op: "rule.delete", table: "filter", chain: "INPUT", text: "-A INPUT -j EXTRA" },
      { op: "rule.delete", table: "filter", chain: "EXTRA", text: "-A EXTRA -p udp -j DROP" },
      { op: "chain.delete", table: "filter", chain: "EXTRA" },
    ]);
  });

  it("returns what the vocabulary cannot restore, with why, instead of approximating it", () => {
    const actual = withIptables((t) => t.replace("[0:0] -A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT\n", ""));
    link(actual, "tap0").tun!.user = "labuser";
    actual.links = actual.links.filter((l) => l.name !== "mv0");
    actual.rules = actual.rules.filter((r) => r.priority !== 1300);
    const { ops, manual } = revertOps(labNatNetwork(), actual);
    expect(ops).toEqual([]);
    expect(manual.map((m) => [m.key, m.why])).toEqual([
      ["link mv0", "Labdeck has no op to create this link; do it on the host"],
      ["tap tap0", "no op changes a TAP's owner or mode; delete and re-create it while no guest uses it"],
      ["rule 1300 not from 10.0.0.0/8", '"prohibit" rules are not in the op vocabulary (lookup only)'],
      ["iptables filter INPUT -7", "the op vocabulary cannot express every part of this rule; add it on the host"],
    ]);
    expect(manual[3]).toMatchObject({
      kind: "iptables-rule",
      change: "removed",
      recorded: { text: "-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT" },
    });
  });

  it("counts insert positions on the chain as it will be, past rules it cannot restore", () => {
    // Inventory FORWARD rule 2 cannot be expressed, so rule 3 goes back at position 2.
    const actual = withIptables((t) => t.replace(/\[\d+:\d+\] -A FORWARD .*\n/g, ""));
    const { ops, manual } = revertOps(labNatNetwork(), actual);
    expect(ops.map((o) => (o.op === "rule.insert" ? `${o.chain} ${o.position} ${o.rule.target.kind}` : o.op))).toEqual([
      "FORWARD 1 ACCEPT",
      "FORWARD 2 REJECT",
    ]);
    expect(manual.map((m) => m.key)).toEqual(["iptables filter FORWARD -2"]);
  });

  it("leaves tables the ops do not edit to a human", () => {
    const actual = withIptables((t) => `${t}*raw\n:PREROUTING ACCEPT [0:0]\n[0:0] -A PREROUTING -p udp -j CT --notrack\nCOMMIT\n`);
    expect(revertOps(labNatNetwork(), actual)).toMatchObject({
      ops: [],
      manual: [{ key: "iptables raw PREROUTING +1", why: "Labdeck's ops edit filter, nat and mangle only, not raw" }],
    });
  });

  it("refuses to delete a rule by text when the chain holds that text twice", () => {
    const actual = withIptables((t) =>
      t.replace(
        "[0:0] -A INPUT -m state --state INVALID -j DROP\n",
        "[0:0] -A INPUT -m state --state INVALID -j DROP\n[0:0] -A INPUT -i lo -j ACCEPT\n",
      ),
    );
    const { ops, manual } = revertOps(labNatNetwork(), actual);
    expect(ops).toEqual([]);
    expect(manual.map((m) => [m.key, m.why])).toEqual([
      ["iptables filter INPUT +9", "the chain holds this line 2 times and rules are deleted by text: say which one on the host"],
    ]);
  });
});
