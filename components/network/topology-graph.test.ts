import { describe, expect, it } from "vitest";
import { addBridgeEdit, type PendingEdit } from "./pending-edits";
import { lab } from "./test-lab-view";
import { buildTopologyGraph } from "./topology-graph";
import { bridgeTimersText } from "./topology-overlay";
import type { GuestNodeData, LinkNodeData, NetEdge, NetNode } from "./topology-model";

const byId = (nodes: NetNode[], id: string) => nodes.find((n) => n.id === id);
const linkData = (nodes: NetNode[], name: string) => byId(nodes, `link:${name}`)?.data as LinkNodeData | undefined;
const edge = (edges: NetEdge[], id: string) => edges.find((e) => e.id === id);

describe("topology graph from a host's network", () => {
  const g = buildTopologyGraph(lab());

  it("makes one node per link (not loopback) and per guest, with stable ids and kinds", () => {
    expect(g.nodes.map((n) => `${n.type} ${n.id}`).sort()).toEqual([
      "bridge link:br0",
      "guest guest:g1",
      "guest guest:g2",
      "tap link:ldk-vm1-0",
      "tap link:tap0",
      "uplink link:eth0",
    ]);
  });

  it("labels links with addresses (no link-local IPv6), routes (not kernel or local), STP and TAP owners", () => {
    const eth0 = linkData(g.nodes, "eth0");
    expect(eth0?.addresses.map((a) => a.text)).toEqual(["10.203.0.6/30"]);
    expect(eth0?.routes.map((r) => r.text)).toEqual(["default via 10.203.0.5", "default via 10.203.0.9 [table 100]"]);
    expect(eth0?.ssh).toBe(true);
    expect(linkData(g.nodes, "br0")).toMatchObject({ stp: true, forwardDelayCs: 800, helloTimeCs: 200, maxAgeCs: 2000 });
    // The node shows every timer the bridge dialog sets, not only STP and forward delay.
    expect(bridgeTimersText(linkData(g.nodes, "br0") ?? {}, " · ")).toBe("STP on · forward delay 8 s · hello time 2 s · max age 20 s");
    expect(linkData(g.nodes, "tap0")?.owner).toBe("lab");
    expect(linkData(g.nodes, "ldk-vm1-0")?.owner).toBeNull();
  });

  it("puts NAT and port-forward badges on the uplink", () => {
    expect(linkData(g.nodes, "eth0")?.badges.map((b) => b.text)).toEqual(["NAT 192.168.2.0/24", "tcp 8022 → 192.168.2.10:22"]);
  });

  it("draws ports to their bridge, NAT from the bridge to the uplink, and guests to TAP or bridge", () => {
    expect(edge(g.edges, "port:tap0")).toMatchObject({ source: "link:tap0", sourceHandle: "up", target: "link:br0", targetHandle: "down" });
    expect(edge(g.edges, "nat:br0:eth0")).toMatchObject({
      source: "link:br0",
      target: "link:eth0",
      data: { kind: "nat", nat: { source: "192.168.2.0/24", outInterface: "eth0" } },
    });
    expect(edge(g.edges, "guest:g1:0")).toMatchObject({
      source: "guest:g1",
      sourceHandle: "nic-0",
      target: "link:ldk-vm1-0",
      data: { dashed: false },
    });
    expect(edge(g.edges, "guest:g2:0")).toMatchObject({ target: "link:br0", data: { dashed: true, label: "connects when started" } });
    // A user-mode NIC has nothing to connect to.
    expect(g.edges.filter((e) => e.source === "guest:g2")).toHaveLength(1);
    expect((byId(g.nodes, "guest:g2")?.data as GuestNodeData).nics.map((n) => n.handleId)).toEqual(["nic-0", "nic-1"]);
  });

  it("places nodes in layers (uplinks, bridges, TAPs, guests) unless a position was saved", () => {
    const y = (id: string) => byId(g.nodes, id)?.position.y ?? NaN;
    expect(y("link:eth0")).toBeLessThan(y("link:br0"));
    expect(y("link:br0")).toBeLessThan(y("link:tap0"));
    expect(y("link:tap0")).toBeLessThan(y("guest:g1"));
    const placed = buildTopologyGraph(lab(), { positions: { "link:br0": { x: 7, y: 9 } } });
    expect(byId(placed.nodes, "link:br0")?.position).toEqual({ x: 7, y: 9 });
    expect(buildTopologyGraph(lab()).nodes.map((n) => n.position)).toEqual(g.nodes.map((n) => n.position));
  });

  it("prefixes every id for the multi-host canvas", () => {
    const multi = buildTopologyGraph(lab(), { idPrefix: "h1/", hostId: "h1" });
    expect(multi.nodes.every((n) => n.id.startsWith("h1/"))).toBe(true);
    expect(edge(multi.edges, "h1/port:tap0")).toMatchObject({ source: "h1/link:tap0", target: "h1/link:br0" });
  });

  it("only bridges and TAPs can be deleted", () => {
    expect(
      g.nodes
        .filter((n) => n.deletable)
        .map((n) => n.id)
        .sort(),
    ).toEqual(["link:br0", "link:ldk-vm1-0", "link:tap0"]);
  });
});

describe("pending edits on the canvas", () => {
  const edits: PendingEdit[] = [
    { id: "e1", ...addBridgeEdit({ name: "labbr0", cidr: "10.9.0.1/24", stp: false, forwardDelayS: 2 }) },
    {
      id: "e2",
      label: "NAT",
      ops: [
        { op: "nat.add", source: "10.9.0.0/24", outInterface: "eth0" },
        { op: "forward.set", enabled: true },
      ],
      guestLinks: [],
    },
    { id: "e3", label: "vm2 to labbr0", ops: [], guestLinks: [{ guestId: "g2", nic: 1, bridge: "labbr0" }] },
    { id: "e4", label: "detach tap0", ops: [{ op: "port.detach", port: "tap0" }], guestLinks: [] },
    { id: "e5", label: "vm1 off br0", ops: [], guestLinks: [{ guestId: "g1", nic: 0, bridge: null }] },
  ];
  const g = buildTopologyGraph(lab(), { edits });

  it("adds a pending bridge with its address and timers", () => {
    expect(linkData(g.nodes, "labbr0")).toMatchObject({
      status: "added",
      editId: "e1",
      stp: false,
      forwardDelayCs: 200,
      addresses: [{ text: "10.9.0.1/24", status: "added" }],
    });
  });

  it("a pending bridge and a pending timer change carry hello time and max age too", () => {
    const timed = buildTopologyGraph(lab(), {
      edits: [
        {
          id: "t1",
          label: "add",
          ops: [{ op: "bridge.create", name: "labbr1", stp: true, forwardDelayCs: 400, helloTimeCs: 100, maxAgeCs: 1200 }],
          guestLinks: [],
        },
        { id: "t2", label: "set", ops: [{ op: "bridge.set", name: "br0", helloTimeCs: 100, maxAgeCs: 1200 }], guestLinks: [] },
      ],
    });
    expect(linkData(timed.nodes, "labbr1")).toMatchObject({ stp: true, forwardDelayCs: 400, helloTimeCs: 100, maxAgeCs: 1200 });
    expect(linkData(timed.nodes, "br0")?.notes).toEqual(["hello time 1 s, max age 12 s"]);
  });

  it("draws a pending NAT edge from the pending bridge and a pending badge", () => {
    expect(edge(g.edges, "nat:labbr0:eth0")?.data).toMatchObject({ status: "added", editId: "e2" });
    expect(linkData(g.nodes, "eth0")?.badges.find((b) => b.text === "NAT 10.9.0.0/24")?.status).toBe("added");
  });

  it("re-links guest NICs: new dashed edge, old edge struck", () => {
    expect(edge(g.edges, "guest:g2:1")).toMatchObject({ target: "link:labbr0", data: { status: "added", editId: "e3", dashed: true } });
    expect(edge(g.edges, "guest:g1:0")?.data).toMatchObject({ status: "removed", editId: "e5" });
    expect((byId(g.nodes, "guest:g2")?.data as GuestNodeData).nics[1]?.pending).toBe("labbr0");
  });

  it("marks detached ports and deleted bridges as removed, with everything on them", () => {
    expect(edge(g.edges, "port:tap0")?.data?.status).toBe("removed");
    const del = buildTopologyGraph(lab(), {
      edits: [{ id: "d", label: "delete br0", ops: [{ op: "bridge.delete", name: "br0" }], guestLinks: [] }],
    });
    expect(linkData(del.nodes, "br0")).toMatchObject({ status: "removed", editId: "d" });
    expect(del.edges.filter((e) => e.target === "link:br0" || e.source === "link:br0").every((e) => e.data?.status === "removed")).toBe(
      true,
    );
    expect(byId(del.nodes, "link:br0")?.deletable).toBe(false);
  });

  it("moving a port to another bridge strikes the old edge and adds the new one", () => {
    const moved = buildTopologyGraph(lab(), {
      edits: [
        ...edits.slice(0, 1),
        { id: "m", label: "tap0 to labbr0", ops: [{ op: "port.attach", port: "tap0", bridge: "labbr0" }], guestLinks: [] },
      ],
    });
    expect(edge(moved.edges, "port:tap0")?.data?.status).toBe("removed");
    expect(edge(moved.edges, "port:tap0~m")).toMatchObject({ target: "link:labbr0", data: { status: "added" } });
  });
});
