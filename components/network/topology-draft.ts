import { guestNodeId, linkNodeId, nicHandleId, type GuestNodeData, type LinkNodeData, type NetEdgeData } from "./topology-model";

// The graph while it is being assembled: links by name, guests by id, edges by local id.
// The base read and the pending overlay both write here; buildTopologyGraph turns it into
// React Flow nodes and edges (prefixing ids, placing nodes) once at the end.

export interface DraftEdge {
  id: string;
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
  data: NetEdgeData;
}

export interface GraphDraft {
  links: Map<string, LinkNodeData>;
  guests: Map<string, GuestNodeData>;
  edges: Map<string, DraftEdge>;
}

/** A port edge runs from the port's bridge-facing handle to the bridge's matching side. */
export function portEdge(id: string, port: LinkNodeData, bridge: string): DraftEdge {
  const fromBelow = port.role === "tap";
  return {
    id,
    source: linkNodeId(port.name),
    sourceHandle: fromBelow ? "up" : "down",
    target: linkNodeId(bridge),
    targetHandle: fromBelow ? "down" : "up",
    data: { kind: "port", status: "current", editId: null, label: null, dashed: false, port: port.name, bridge, nat: null, guest: null },
  };
}

export function natEdge(bridge: string, out: string, nat: { source: string; toSource: string | null }): DraftEdge {
  return {
    id: `nat:${bridge}:${out}`,
    source: linkNodeId(bridge),
    sourceHandle: "up",
    target: linkNodeId(out),
    // The uplink's NAT handle; its "down" handle is for making the uplink a bridge port.
    targetHandle: "nat",
    data: {
      kind: "nat",
      status: "current",
      editId: null,
      label: "NAT",
      dashed: false,
      port: null,
      bridge,
      nat: { source: nat.source, outInterface: out, toSource: nat.toSource },
      guest: null,
    },
  };
}

export function guestEdge(id: string, guest: { id: string; running: boolean }, nic: number, target: LinkNodeData): DraftEdge {
  const toBridge = target.role === "bridge";
  return {
    id,
    source: guestNodeId(guest.id),
    sourceHandle: nicHandleId(nic),
    target: linkNodeId(target.name),
    targetHandle: "down",
    data: {
      kind: "guest",
      status: "current",
      editId: null,
      // A stopped guest's NIC is only a line in its definition: QEMU makes the TAP at start.
      label: toBridge && !guest.running ? "connects when started" : null,
      dashed: toBridge && !guest.running,
      port: null,
      bridge: toBridge ? target.name : null,
      nat: null,
      guest: { guestId: guest.id, nic },
    },
  };
}
