import { describe, expect, it } from "vitest";
import { buildNetworkPlan } from "@/server/network/plan/build-plan";
import { ZNetOp } from "@/server/network/ops";
import { copyMainRoutesOps, ipRuleLabel, tableName } from "./route-ops";
import { lab } from "./test-lab-view";

describe("routing recipes and names", () => {
  it("copies the main table's routes into table T, except the default, as one list of ops the plan accepts", () => {
    const net = lab().network;
    const ops = copyMainRoutesOps(net, 100);
    expect(ops).toEqual([{ op: "route.add", table: 100, dst: "10.203.0.4/30", dev: "eth0" }]);
    const plan = buildNetworkPlan(
      net,
      ops.map((o) => ZNetOp.parse(o)),
      { workDir: "/tmp/x" },
    );
    expect(plan.steps.map((s) => s.argv.join(" "))).toEqual(["ip route add 10.203.0.4/30 dev eth0 table 100"]);
    // Applied twice: nothing more.
    expect(
      buildNetworkPlan(
        plan.projected,
        ops.map((o) => ZNetOp.parse(o)),
        { workDir: "/tmp/x" },
      ).steps,
    ).toEqual([]);
  });

  it("leaves out routes through a link that is down (the kernel refuses them)", () => {
    const net = lab().network;
    net.links = net.links.map((l) => (l.name === "eth0" ? { ...l, adminUp: false } : l));
    expect(copyMainRoutesOps(net, 100)).toEqual([]);
  });

  it("labels a pending ip rule with every selector", () => {
    const net = { rtTables: [{ id: 100, name: "isp2" }] };
    expect(
      ipRuleLabel(net, { op: "iprule.add", priority: 1000, from: "192.168.2.0/24", to: "10.9.0.0/16", iif: "br0", fwmark: 2, table: 100 }),
    ).toBe("Add ip rule 1000: from 192.168.2.0/24 to 10.9.0.0/16 iif br0 fwmark 0x2 lookup isp2");
    expect(ipRuleLabel(net, { op: "iprule.add", priority: 5, table: "main" })).toBe("Add ip rule 5: from all lookup main");
  });

  it("shows a table Labdeck named by its name, whether given as number or text", () => {
    const net = { rtTables: [{ id: 100, name: "isp2" }] };
    expect(tableName(net, 100)).toBe("isp2");
    expect(tableName(net, "100")).toBe("isp2");
    expect(tableName(net, 254)).toBe("main");
    expect(tableName(net, 7)).toBe("7");
  });
});
