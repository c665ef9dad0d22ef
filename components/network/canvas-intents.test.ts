import { describe, expect, it } from "vitest";
import { connectionIntent, deletionIntent } from "./canvas-intents";
import { addBridgeEdit, addTapEdit, editForField, flattenEdits, portForwardEdit, type PendingEdit } from "./pending-edits";
import { lab } from "./test-lab-view";
import { buildTopologyGraph } from "./topology-graph";

const pendingBridge: PendingEdit = { id: "e1", ...addBridgeEdit({ name: "labbr0", cidr: "10.9.0.1/24", stp: false, forwardDelayS: 2 }) };
const g = buildTopologyGraph(lab(), {
  edits: [pendingBridge, { id: "e2", ...addBridgeEdit({ name: "bare0", cidr: "", stp: true, forwardDelayS: null }) }],
});
const connect = (source: string, sourceHandle: string | null, target: string, targetHandle: string | null) =>
  connectionIntent(g.nodes, g.edges, { source, sourceHandle, target, targetHandle });

describe("drawing a line", () => {
  it("guest NIC to a bridge re-links the NIC, drawn either way", () => {
    const want = { ok: true, edit: { ops: [], guestLinks: [{ guestId: "g2", nic: 1, bridge: "labbr0" }] } };
    expect(connect("guest:g2", "nic-1", "link:labbr0", "down")).toMatchObject(want);
    expect(connect("link:labbr0", "up", "guest:g2", "nic-1")).toMatchObject(want);
  });

  it("refuses a NIC already on that bridge, and guest to TAP", () => {
    expect(connect("guest:g2", "nic-0", "link:br0", "down")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("already on br0"),
    });
    expect(connect("guest:g2", "nic-1", "link:tap0", "down")).toMatchObject({ ok: false, reason: expect.stringContaining("bridge") });
  });

  it("bridge to the uplink's NAT handle: NAT of the bridge's subnet plus forwarding", () => {
    expect(connect("link:labbr0", "up", "link:eth0", "nat")).toEqual({
      ok: true,
      edit: {
        label: "NAT labbr0 (10.9.0.0/24) out of eth0",
        ops: [
          { op: "nat.add", source: "10.9.0.0/24", outInterface: "eth0" },
          { op: "forward.set", enabled: true },
        ],
        guestLinks: [],
      },
    });
    expect(connect("link:bare0", "up", "link:eth0", "nat")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("IPv4 address first"),
    });
    expect(connect("link:eth0", "nat", "link:br0", "up")).toMatchObject({ ok: false, reason: expect.stringContaining("already NATed") });
  });

  it("a TAP, or an uplink's port handle, to a bridge attaches it as a port", () => {
    expect(connect("link:tap0", "up", "link:labbr0", "down")).toMatchObject({
      ok: true,
      edit: { ops: [{ op: "port.attach", port: "tap0", bridge: "labbr0" }] },
    });
    expect(connect("link:eth0", "down", "link:labbr0", "up")).toMatchObject({
      ok: true,
      edit: { ops: [{ op: "port.attach", port: "eth0", bridge: "labbr0" }] },
    });
    expect(connect("link:tap0", "up", "link:br0", "down")).toMatchObject({ ok: false, reason: expect.stringContaining("already a port") });
  });

  it("refuses bridge to bridge, TAP to uplink and a node to itself", () => {
    expect(connect("link:br0", "down", "link:labbr0", "up").ok).toBe(false);
    expect(connect("link:tap0", "up", "link:eth0", "down").ok).toBe(false);
    expect(connect("link:br0", "up", "link:br0", "down").ok).toBe(false);
  });
});

describe("deleting on the canvas", () => {
  const node = (id: string) => g.nodes.filter((n) => n.id === id);
  const touching = (id: string) => g.edges.filter((e) => e.source === id || e.target === id);

  it("a bridge: bridge.delete, NAT removal and guest re-links, but no port.detach for its own ports", () => {
    const d = deletionIntent(g.nodes, node("link:br0"), touching("link:br0"));
    expect(d.dropEditIds).toEqual([]);
    expect(d.edits.map((e) => e.label)).toEqual([
      "Delete bridge br0",
      "Stop NAT of 192.168.2.0/24 out of eth0",
      "vm2 NIC 0 back to user-mode networking",
    ]);
  });

  it("a pending bridge drops its edit instead of deleting anything", () => {
    expect(deletionIntent(g.nodes, node("link:labbr0"), touching("link:labbr0"))).toEqual({ edits: [], dropEditIds: ["e1"] });
  });

  it("a port line detaches the port", () => {
    expect(
      deletionIntent(
        g.nodes,
        [],
        g.edges.filter((e) => e.id === "port:tap0"),
      ).edits[0]?.ops,
    ).toEqual([{ op: "port.detach", port: "tap0" }]);
  });
});

describe("the pending list as sent", () => {
  const edits: PendingEdit[] = [
    pendingBridge,
    { id: "e2", ...addTapEdit({ name: "tap9", user: "lab", group: "" }) },
    { id: "e3", ...portForwardEdit({ protocol: "tcp", hostPort: 8022, inInterface: "eth0", toAddress: "10.9.0.10", toPort: 22 }) },
    { id: "e4", label: "NAT", ops: [{ op: "forward.set", enabled: true }], guestLinks: [{ guestId: "g2", nic: 0, bridge: "labbr0" }] },
    { id: "e5", label: "again", ops: [], guestLinks: [{ guestId: "g2", nic: 0, bridge: null }] },
  ];
  const flat = flattenEdits(edits);

  it("sends forward delay in centiseconds and each op once", () => {
    expect(flat.ops[0]).toEqual({ op: "bridge.create", name: "labbr0", stp: false, forwardDelayCs: 200 });
    expect(flat.ops.filter((o) => o.op === "forward.set")).toHaveLength(1);
    expect(flat.ops.map((o) => o.op)).toEqual(["bridge.create", "address.add", "tap.create", "portforward.add", "forward.set"]);
  });

  it("keeps the last re-link of a NIC", () => {
    expect(flat.guestLinks).toEqual([{ guestId: "g2", nic: 0, bridge: null }]);
    expect(flat.linkOwner).toEqual(["e5"]);
  });

  it("maps a server error's field back to the edit that sent it", () => {
    expect(editForField(flat, "ops.1.cidr")).toBe("e1");
    expect(editForField(flat, "ops.3")).toBe("e3");
    expect(editForField(flat, "guestLinks.0.bridge")).toBe("e5");
    expect(editForField(flat, "hostId")).toBeNull();
  });
});
