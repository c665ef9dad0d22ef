import { describe, expect, it } from "vitest";
import { LabdeckError } from "../../errors";
import { ZNetOp, type TNetOp, type TNetOpInput } from "../ops";
import { buildNetworkPlan, describeOp } from "./build-plan";
import { labNatNetwork } from "../fixtures/lab-nat-network";

const ctx = { workDir: "/tmp/labdeck-lab/x/run/network/c1" };
const net = labNatNetwork();
const parse = (ops: TNetOpInput[]) => ops.map((o) => ZNetOp.parse(o));

// A lab built in one list: each op depends on earlier ones (bridge before its port and
// address, address before the gateway route, table name before its route).
const LAB: TNetOpInput[] = [
  { op: "bridge.create", name: "lab1", stp: false, forwardDelayCs: 0 },
  { op: "tap.create", name: "lab1-t0", user: "nobody", bridge: "lab1" },
  { op: "address.add", dev: "lab1", cidr: "10.55.0.1/24" },
  { op: "forward.set", enabled: true },
  { op: "rttable.add", id: 120, name: "lab1" },
  { op: "route.add", table: "lab1", dst: "default", via: "10.55.0.254" },
  { op: "iprule.add", priority: 2000, from: "10.55.0.0/24", table: "lab1" },
  { op: "nat.add", source: "10.55.0.0/24", outInterface: "eth0" },
  { op: "portforward.add", protocol: "tcp", hostPort: 2222, toAddress: "10.55.0.10", toPort: 22 },
  { op: "chain.create", table: "filter", chain: "LAB1" },
  { op: "rule.append", table: "filter", chain: "LAB1", rule: { protocol: "icmp", target: { kind: "ACCEPT" } } },
];

describe("buildNetworkPlan", () => {
  it("plans a whole lab in order, firewall last, and plans nothing the second time", () => {
    const r = buildNetworkPlan(net, parse(LAB), ctx);
    const cmds = r.steps.map((s) => s.argv.slice(0, 3).join(" "));
    // ip_forward is already 1 on this host: no sysctl step.
    expect(cmds.slice(0, 9)).toEqual([
      "ip link add",
      "ip link set",
      "ip tuntap add",
      "ip link set",
      "ip link set",
      "ip addr add",
      expect.stringMatching(/^sh -c mkdir -p/),
      "ip route add",
      "ip rule add",
    ]);
    expect(cmds.slice(-5)).toEqual([
      "mkdir -p --",
      expect.stringMatching(/^sh -c .*iptables-save -c -t "\$t"/),
      'sh -c cat > "$1"',
      `iptables-restore --test ${ctx.workDir}/iptables.rules`,
      `iptables-restore -c ${ctx.workDir}/iptables.rules`,
    ]);
    expect(r.ops.map((o) => o.status)).toEqual([...LAB.map((o) => (o.op === "forward.set" ? "in-place" : "change"))]);
    const again = buildNetworkPlan(r.projected, parse(LAB), ctx);
    expect(again.steps).toEqual([]);
    expect(again.firewall).toBeNull();
    expect(again.ops.every((o) => o.status === "in-place")).toBe(true);
  });

  it("an empty plan for ops the host already matches", () => {
    const r = buildNetworkPlan(
      net,
      parse([
        { op: "bridge.create", name: "br0" },
        { op: "nat.remove", source: "10.1.0.0/16", outInterface: "eth0" },
      ]),
      ctx,
    );
    expect(r.steps).toEqual([]);
    expect(r.firewall).toBeNull();
    expect(r.projected).toEqual(net);
  });

  it("does not touch the model it was given", () => {
    const copy = structuredClone(net);
    buildNetworkPlan(net, parse(LAB), ctx);
    expect(net).toEqual(copy);
  });

  it("refuses a bad work dir and an op that fails its schema, naming the field", () => {
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof LabdeckError ? e.field : String(e);
      }
      return null;
    };
    expect(
      field(() => buildNetworkPlan(net, parse([{ op: "nat.add", source: "10.1.0.0/16", outInterface: "eth0" }]), { workDir: "run/../x" })),
    ).toBe("workDir");
    const bad = { op: "bridge.create", name: "-rf" } as unknown as TNetOp;
    expect(field(() => buildNetworkPlan(net, [parse([{ op: "link.up", name: "eth0" }])[0]!, bad], ctx))).toBe("ops.1.name");
  });

  it("describes each op on one line", () => {
    expect(parse(LAB).map(describeOp)).toEqual([
      "create bridge lab1 (stp off, forward_delay 0)",
      "create TAP lab1-t0 for nobody on lab1",
      "add 10.55.0.1/24 to lab1",
      "turn IPv4 forwarding on",
      'name routing table 120 "lab1"',
      "add route default via 10.55.0.254 in table lab1",
      "add rule 2000: from 10.55.0.0/24 lookup lab1",
      "NAT 10.55.0.0/24 out of eth0 (masquerade)",
      "forward tcp port 2222 to 10.55.0.10:22",
      "create chain LAB1 in filter",
      "filter: -A LAB1 -p icmp -j ACCEPT",
    ]);
  });

  it("an op with nothing left to do only because an earlier op of the same plan does it is 'covered', never 'already so'", () => {
    const r = buildNetworkPlan(
      net,
      parse([
        { op: "bridge.create", name: "lab2" },
        { op: "link.up", name: "lab2" },
        { op: "tap.create", name: "lab2-t0" },
        { op: "link.up", name: "lab2-t0" },
        { op: "port.attach", port: "lab2-t0", bridge: "lab2" },
        { op: "link.up", name: "eth0" },
      ]),
      ctx,
    );
    expect(r.ops.map((o) => o.status)).toEqual(["change", "covered", "change", "covered", "change", "in-place"]);
    expect(r.ops[1]).toMatchObject({
      status: "covered",
      by: 0,
      summary: expect.stringMatching(/^bring lab2 up: done by op 1 \(create bridge lab2/),
    });
    expect(r.ops[3]).toMatchObject({ status: "covered", by: 2 });
    expect(r.ops.map((o) => o.summary).join("\n")).not.toMatch(/lab2.* is already up/);
    // eth0 really is up on the host: that one is "already so".
    expect(r.ops[5]?.summary).toBe("eth0 is already up");
  });
});
