import { describe, expect, it } from "vitest";
import { LabdeckError } from "../../errors";
import type { TNetOpInput } from "../ops";
import { ZNetOp } from "../ops";
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
const argvs = (ops: TNetOpInput[], from = net) => plan(ops, from).steps.map((s) => s.argv.join(" "));

function refusedField(ops: TNetOpInput[]): string | undefined {
  try {
    plan(ops);
  } catch (e) {
    if (e instanceof LabdeckError && e.code === "BAD_INPUT") return e.field;
    throw e;
  }
  throw new Error("not refused");
}

describe("bridges", () => {
  it("creates a bridge with every timer, brings it up, and projects it", () => {
    const r = plan([{ op: "bridge.create", name: "br1", stp: true, forwardDelayCs: 400 }]);
    expect(r.steps.map((s) => s.argv)).toEqual([
      [
        "ip",
        "link",
        "add",
        "name",
        "br1",
        "type",
        "bridge",
        "stp_state",
        "1",
        "forward_delay",
        "400",
        "hello_time",
        "200",
        "max_age",
        "2000",
      ],
      ["ip", "link", "set", "dev", "br1", "up"],
    ]);
    expect(r.steps[0]?.undo).toEqual(["ip", "link", "del", "dev", "br1"]);
    expect(r.projected.bridges.find((b) => b.name === "br1")?.options).toMatchObject({
      stp: true,
      forwardDelayCs: 400,
      helloTimeCs: 200,
      maxAgeCs: 2000,
    });
    expect(r.projected.links.find((l) => l.name === "br1")).toMatchObject({ kind: "bridge", adminUp: true });
    expect(r.ops).toEqual([
      { index: 0, status: "change", summary: "create bridge br1 with stp on, forward_delay 400, hello_time 200, max_age 2000" },
    ]);
    expect(plan([{ op: "bridge.create", name: "br1", stp: true, forwardDelayCs: 400 }], r.projected).steps).toEqual([]);
  });

  it("is in place for an existing bridge with the same timers, and sets only what differs", () => {
    const same = plan([{ op: "bridge.create", name: "br0", stp: true, forwardDelayCs: 800 }]);
    expect(same.steps).toEqual([]);
    expect(same.ops[0]).toMatchObject({ status: "in-place", summary: "bridge br0 exists with stp on, forward_delay 800" });
    const other = plan([{ op: "bridge.create", name: "br0", forwardDelayCs: 1000 }]);
    expect(other.steps.map((s) => [s.argv.join(" "), s.undo?.join(" ")])).toEqual([
      ["ip link set dev br0 type bridge forward_delay 1000", "ip link set dev br0 type bridge forward_delay 800"],
    ]);
  });

  it("splits an STP switch from the other timers so each half and its undo are accepted by the kernel", () => {
    // The kernel checks forward_delay against the STP state it finds, before stp_state.
    expect(argvs([{ op: "bridge.set", name: "br0", stp: false, forwardDelayCs: 0 }])).toEqual([
      "ip link set dev br0 type bridge stp_state 0",
      "ip link set dev br0 type bridge forward_delay 0",
    ]);
    const off = plan([{ op: "bridge.create", name: "br1", forwardDelayCs: 0 }]).projected;
    expect(argvs([{ op: "bridge.set", name: "br1", stp: true, forwardDelayCs: 300 }], off)).toEqual([
      "ip link set dev br1 type bridge forward_delay 300",
      "ip link set dev br1 type bridge stp_state 1",
    ]);
  });

  it("refuses an STP forward delay the kernel would refuse or clamp", () => {
    expect(refusedField([{ op: "bridge.create", name: "br1", stp: true, forwardDelayCs: 100 }])).toBe("ops.0.forwardDelayCs");
    expect(refusedField([{ op: "bridge.set", name: "br0", forwardDelayCs: 0 }])).toBe("ops.0.forwardDelayCs");
  });

  it("deletes a bridge, freeing its ports and routes; an absent one is in place; a non-bridge is refused", () => {
    const r = plan([{ op: "bridge.delete", name: "br0" }]);
    expect(r.steps.map((s) => s.argv.join(" "))).toEqual(["ip link del dev br0"]);
    expect(r.steps[0]?.undo?.join(" ")).toBe("ip link add name br0 type bridge stp_state 1 forward_delay 800 hello_time 300 max_age 2500");
    expect(r.projected.taps.find((t) => t.name === "tap0")?.bridge).toBeNull();
    expect(r.projected.links.find((l) => l.name === "vlab0")?.master).toBeNull();
    expect(r.projected.routes.some((x) => x.dev === "br0")).toBe(false);
    expect(r.projected.routesByTable["100"]?.map((x) => x.dst)).toEqual(["default"]);
    expect(plan([{ op: "bridge.delete", name: "nobr" }]).ops[0]).toMatchObject({ status: "in-place" });
    expect(refusedField([{ op: "bridge.delete", name: "eth0" }])).toBe("ops.0.name");
    expect(refusedField([{ op: "bridge.create", name: "tap0" }])).toBe("ops.0.name");
  });
});

describe("ports", () => {
  it("attaches after a bridge created earlier in the list, with the previous master as undo", () => {
    const r = plan([
      { op: "bridge.create", name: "br1" },
      { op: "port.attach", port: "tap1", bridge: "br1" },
    ]);
    expect(r.steps.slice(2).map((s) => [s.argv.join(" "), s.undo?.join(" ")])).toEqual([
      ["ip link set dev tap1 master br1", "ip link set dev tap1 master br0"],
      ["ip link set dev tap1 up", "ip link set dev tap1 down"],
    ]);
    expect(r.projected.bridges.find((b) => b.name === "br1")?.ports.map((p) => p.name)).toEqual(["tap1"]);
    expect(r.projected.bridges.find((b) => b.name === "br0")?.ports.map((p) => p.name)).not.toContain("tap1");
  });

  it("is in place for an up port already on the bridge, and refuses missing ends", () => {
    expect(plan([{ op: "port.attach", port: "tap0", bridge: "br0" }]).steps).toEqual([]);
    expect(refusedField([{ op: "port.attach", port: "tap0", bridge: "br9" }])).toBe("ops.0.bridge");
    expect(refusedField([{ op: "port.attach", port: "eth0", bridge: "tap1" }])).toBe("ops.0.bridge");
    expect(refusedField([{ op: "port.attach", port: "tap9", bridge: "br0" }])).toBe("ops.0.port");
    expect(
      refusedField([
        { op: "bridge.create", name: "br1" },
        { op: "port.attach", port: "br1", bridge: "br0" },
      ]),
    ).toBe("ops.1.port");
  });

  it("detaches with the old master as undo; a free or missing port is in place", () => {
    const r = plan([{ op: "port.detach", port: "vlab0" }]);
    expect(r.steps.map((s) => [s.argv.join(" "), s.undo?.join(" ")])).toEqual([
      ["ip link set dev vlab0 nomaster", "ip link set dev vlab0 master br0"],
    ]);
    expect(plan([{ op: "port.detach", port: "eth0" }]).steps).toEqual([]);
    expect(plan([{ op: "port.detach", port: "nope" }]).steps).toEqual([]);
  });
});

describe("taps, links, addresses, forwarding", () => {
  it("creates a persistent TAP owned by a user, up, on a bridge", () => {
    const r = plan([{ op: "tap.create", name: "tap5", user: "nobody", bridge: "br0" }]);
    expect(r.steps.map((s) => s.argv.join(" "))).toEqual([
      "ip tuntap add dev tap5 mode tap user nobody",
      "ip link set dev tap5 up",
      "ip link set dev tap5 master br0",
    ]);
    expect(r.projected.taps.find((t) => t.name === "tap5")).toMatchObject({
      bridge: "br0",
      options: { mode: "tap", persist: true, user: "nobody" },
    });
    expect(plan([{ op: "tap.create", name: "tap5", user: "nobody", bridge: "br0" }], r.projected).steps).toEqual([]);
  });

  it("refuses a TAP over another kind of link, another owner, or a missing bridge", () => {
    expect(refusedField([{ op: "tap.create", name: "tun0" }])).toBe("ops.0.name");
    expect(refusedField([{ op: "tap.create", name: "tap0", user: "root" }])).toBe("ops.0.user");
    expect(refusedField([{ op: "tap.create", name: "tap7", bridge: "br9" }])).toBe("ops.0.bridge");
    expect(refusedField([{ op: "tap.delete", name: "tun0" }])).toBe("ops.0.name");
    // A numeric owner cannot be compared with the name ip prints: not a refusal.
    expect(plan([{ op: "tap.create", name: "tap0", user: "65534" }]).steps).toEqual([]);
  });

  it("deletes a TAP with a re-create as undo", () => {
    const r = plan([{ op: "tap.delete", name: "tap1" }]);
    expect(r.steps.map((s) => [s.argv.join(" "), s.undo?.join(" ")])).toEqual([
      ["ip link del dev tap1", "ip tuntap add dev tap1 mode tap user nobody group nogroup"],
    ]);
    expect(r.projected.bridges.find((b) => b.name === "br0")?.ports.map((p) => p.name)).not.toContain("tap1");
  });

  it("adds an address once, with its connected route; refuses a missing link", () => {
    const r = plan([{ op: "address.add", dev: "tap1", cidr: "10.44.0.1/24" }]);
    expect(r.steps.map((s) => [s.argv.join(" "), s.undo?.join(" ")])).toEqual([
      ["ip addr add 10.44.0.1/24 dev tap1", "ip addr del 10.44.0.1/24 dev tap1"],
    ]);
    expect(plan([{ op: "address.add", dev: "br0", cidr: "192.168.2.1/24" }]).steps).toEqual([]);
    expect(refusedField([{ op: "address.add", dev: "nope0", cidr: "10.0.0.1/24" }])).toBe("ops.0.dev");
    const up = plan([{ op: "address.add", dev: "up2", cidr: "10.45.0.1/24" }]).projected;
    expect(up.routes.find((x) => x.dst === "10.45.0.0/24")).toMatchObject({
      dev: "up2",
      protocol: "kernel",
      prefsrc: "10.45.0.1",
      table: "main",
    });
  });

  it("removes an address with its kernel routes", () => {
    const r = plan([{ op: "address.delete", dev: "br0", cidr: "192.168.2.1/24" }]);
    expect(r.steps.map((s) => [s.argv.join(" "), s.undo?.join(" ")])).toEqual([
      ["ip addr del 192.168.2.1/24 dev br0", "ip addr add 192.168.2.1/24 dev br0"],
    ]);
    expect(r.projected.routes.filter((x) => x.prefsrc === "192.168.2.1")).toEqual([]);
    // The static route of table 100 through br0 is not the address's: it stays.
    expect(r.projected.routesByTable["100"]?.map((x) => x.dst)).toEqual(["default", "192.168.2.0/24"]);
    expect(plan([{ op: "address.delete", dev: "br0", cidr: "192.168.2.1/24" }], r.projected).steps).toEqual([]);
  });

  it("brings links up and down; down drops the link's routes", () => {
    const r = plan([{ op: "link.down", name: "up2" }]);
    expect(r.steps.map((s) => [s.argv.join(" "), s.undo?.join(" ")])).toEqual([["ip link set dev up2 down", "ip link set dev up2 up"]]);
    expect(r.projected.routes.filter((x) => x.dev === "up2" && x.family === "inet" && x.table !== "local")).toEqual([]);
    expect(plan([{ op: "link.up", name: "eth0" }]).steps).toEqual([]);
    expect(refusedField([{ op: "link.up", name: "nope0" }])).toBe("ops.0.name");
  });

  it("sets ip_forward with the previous value as undo", () => {
    expect(plan([{ op: "forward.set", enabled: true }]).steps).toEqual([]);
    const r = plan([{ op: "forward.set", enabled: false }]);
    expect(r.steps).toEqual([
      {
        argv: ["sysctl", "-w", "net.ipv4.ip_forward=0"],
        purpose: "turn IPv4 forwarding off",
        undo: ["sysctl", "-w", "net.ipv4.ip_forward=1"],
      },
    ]);
    expect(r.projected.ipForward).toBe(false);
  });
});
