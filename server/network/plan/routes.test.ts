import { describe, expect, it } from "vitest";
import { LabdeckError } from "../../errors";
import { ZNetOp, type TNetOpInput } from "../ops";
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
const pairs = (ops: TNetOpInput[], from = net) => plan(ops, from).steps.map((s) => [s.argv.join(" "), s.undo?.join(" ")]);

function refusedField(ops: TNetOpInput[]): string | undefined {
  try {
    plan(ops);
  } catch (e) {
    if (e instanceof LabdeckError && e.code === "BAD_INPUT") return e.field;
    throw e;
  }
  throw new Error("not refused");
}

describe("routes", () => {
  it("adds a route with the table as a number, and sees it in place afterwards", () => {
    const op: TNetOpInput = { op: "route.add", table: 100, dst: "10.60.0.7/24", via: "10.99.0.2" };
    const r = plan([op]);
    expect(r.steps.map((s) => [s.argv.join(" "), s.undo?.join(" ")])).toEqual([
      ["ip route add 10.60.0.0/24 via 10.99.0.2 table 100", "ip route del 10.60.0.0/24 via 10.99.0.2 table 100"],
    ]);
    expect(r.projected.routesByTable["100"]?.find((x) => x.dst === "10.60.0.0/24")).toMatchObject({
      gateway: "10.99.0.2",
      dev: "up2",
      tableId: 100,
    });
    expect(plan([op], r.projected).steps).toEqual([]);
  });

  it("is in place for a route the host has, and refuses a different route under the same key", () => {
    expect(plan([{ op: "route.add", table: 100, dst: "default", via: "10.99.0.254" }]).steps).toEqual([]);
    expect(plan([{ op: "route.add", dst: "172.16.5.0/24", via: "10.99.0.2", metric: 50 }]).steps).toEqual([]);
    expect(plan([{ op: "route.add", table: "main", dst: "192.168.2.0/24", dev: "br0" }]).steps).toEqual([]);
    expect(refusedField([{ op: "route.add", table: 100, dst: "default", via: "10.99.0.3" }])).toBe("ops.0.dst");
    // Another metric is another route for the kernel.
    expect(pairs([{ op: "route.add", dst: "172.16.5.0/24", via: "10.99.0.2", metric: 60 }])[0]?.[0]).toBe(
      "ip route add 172.16.5.0/24 via 10.99.0.2 metric 60 table 254",
    );
  });

  it("refuses devices and gateways the kernel would refuse at that point of the list", () => {
    expect(refusedField([{ op: "route.add", dst: "10.1.0.0/16", dev: "nope0" }])).toBe("ops.0.dev");
    expect(refusedField([{ op: "route.add", dst: "10.1.0.0/16", dev: "tap1" }])).toBe("ops.0.dev");
    expect(refusedField([{ op: "route.add", dst: "10.1.0.0/16", via: "10.77.0.1" }])).toBe("ops.0.via");
    expect(refusedField([{ op: "route.add", dst: "10.1.0.0/16", via: "10.99.0.2", dev: "eth0" }])).toBe("ops.0.via");
    expect(refusedField([{ op: "route.add", dst: "10.1.0.0/16", dev: "up2", src: "10.9.9.9" }])).toBe("ops.0.src");
    expect(refusedField([{ op: "route.add", dst: "10.1.0.0/16" }])).toBe("ops.0.dev");
    // Once the link is there and up, with an address, the same route is fine.
    const r = plan([
      { op: "bridge.create", name: "br7" },
      { op: "address.add", dev: "br7", cidr: "10.77.0.1/24" },
      { op: "route.add", dst: "10.1.0.0/16", via: "10.77.0.254", table: 100 },
    ]);
    expect(r.steps.at(-1)?.argv.join(" ")).toBe("ip route add 10.1.0.0/16 via 10.77.0.254 table 100");
  });

  it("deletes an existing route with a full re-add as undo; an absent one is in place", () => {
    expect(pairs([{ op: "route.delete", dst: "172.16.5.0/24", metric: 50 }])).toEqual([
      ["ip route del 172.16.5.0/24 metric 50 table 254", "ip route add 172.16.5.0/24 via 10.99.0.2 dev up2 metric 50 table 254"],
    ]);
    expect(plan([{ op: "route.delete", dst: "172.16.5.0/24" }]).steps).toEqual([]);
    // A kernel route comes back only with its address: no undo that would fail.
    const kernel = plan([{ op: "route.delete", dst: "10.99.0.0/24", dev: "up2" }]).steps;
    expect(kernel.map((x) => [x.argv.join(" "), x.undo])).toEqual([["ip route del 10.99.0.0/24 dev up2 table 254", undefined]]);
  });

  it("resolves table names, including one named earlier in the same list, and refuses unknown ones", () => {
    expect(refusedField([{ op: "route.add", table: "lab", dst: "10.1.0.0/16", dev: "up2" }])).toBe("ops.0.table");
    const r = plan([
      { op: "rttable.add", id: 100, name: "lab" },
      { op: "route.add", table: "lab", dst: "10.1.0.0/16", dev: "up2" },
    ]);
    expect(r.steps.map((s) => s.argv.slice(-3).join(" "))).toEqual(["/etc/iproute2/rt_tables.d/labdeck.conf 100 lab", "up2 table 100"]);
    expect(r.steps[1]?.argv.join(" ")).toBe("ip route add 10.1.0.0/16 dev up2 table 100");
    expect(r.ops[0]).toMatchObject({ status: "change" });
    expect(r.projected.rtTables).toContainEqual({ id: 100, name: "lab" });
    // Routes already in table 100 are now printed under its name, as ip would.
    expect(r.projected.routesByTable["lab"]?.map((x) => x.dst).sort()).toEqual(["10.1.0.0/16", "192.168.2.0/24", "default"]);
    expect(refusedField([{ op: "rttable.add", id: 101, name: "main" }])).toBe("ops.0.name");
    const forgotten = plan([{ op: "rttable.delete", id: 100, name: "lab" }], r.projected);
    expect(forgotten.steps.map((s) => s.argv.slice(-2).join(" "))).toEqual(["100 lab"]);
    expect(forgotten.projected.rtTables).not.toContainEqual({ id: 100, name: "lab" });
    expect(Object.keys(forgotten.projected.routesByTable)).toContain("100");
    expect(plan([{ op: "rttable.delete", id: 100, name: "lab" }]).ops[0]).toMatchObject({ status: "in-place" });
    expect(
      refusedField([
        { op: "rttable.add", id: 100, name: "lab" },
        { op: "rttable.add", id: 100, name: "lab2" },
      ]),
    ).toBe("ops.1.id");
  });
});

describe("policy rules", () => {
  it("is in place for an existing rule, whatever form the selector was typed in", () => {
    expect(plan([{ op: "iprule.add", priority: 1000, from: "192.168.2.10/32", table: 100 }]).steps).toEqual([]);
    expect(plan([{ op: "iprule.add", priority: 1100, fwmark: 2, table: 100 }]).steps).toEqual([]);
    expect(plan([{ op: "iprule.add", priority: 1200, iif: "br0", to: "172.16.0.0/12", table: 100 }]).steps).toEqual([]);
  });

  it("adds and deletes rules with each other as undo", () => {
    const add = pairs([{ op: "iprule.add", priority: 900, from: "10.9.9.9", to: "10.1.0.0/16", iif: "br0", fwmark: 10, table: 100 }]);
    expect(add).toEqual([
      [
        "ip rule add priority 900 from 10.9.9.9 to 10.1.0.0/16 iif br0 fwmark 0xa lookup 100",
        "ip rule del priority 900 from 10.9.9.9 to 10.1.0.0/16 iif br0 fwmark 0xa lookup 100",
      ],
    ]);
    expect(pairs([{ op: "iprule.delete", priority: 1000, from: "192.168.2.10", table: 100 }])).toEqual([
      ["ip rule del priority 1000 from 192.168.2.10 lookup 100", "ip rule add priority 1000 from 192.168.2.10 lookup 100"],
    ]);
    expect(plan([{ op: "iprule.delete", priority: 1000, from: "192.168.2.11", table: 100 }]).steps).toEqual([]);
    const r = plan([{ op: "iprule.add", priority: 900, from: "10.9.9.9", table: 100 }]);
    expect(r.projected.rules.map((x) => x.priority)).toEqual([0, 900, 1000, 1100, 1200, 1300, 32766, 32767]);
    expect(plan([{ op: "iprule.add", priority: 900, from: "10.9.9.9", table: 100 }], r.projected).steps).toEqual([]);
  });
});
