import { isIpv4Cidr, subnetOf } from "@/lib/ipv4";
import type { EditDraft } from "./pending-edits";
import { isGuestNode, isLinkNode, type LinkNodeData, type NetEdge, type NetNode } from "./topology-model";

// What a gesture on the canvas means. Drawing a line between two handles, or deleting a
// node or a line, becomes an EditDraft (or a refusal the user can read) here, in plain
// functions the page and its tests share. The canvas connects in "loose" mode (any
// handle to any handle, either direction), so each case is decided by the kinds of the
// two ends and, on an uplink, by which of its two handles was used: "nat" sends the
// bridge's subnet out through it, "down" makes the uplink itself a port of the bridge.

export interface CanvasConnection {
  source: string;
  target: string;
  sourceHandle: string | null;
  targetHandle: string | null;
}

export type Intent = { ok: true; edit: EditDraft } | { ok: false; reason: string };

const refuse = (reason: string): Intent => ({ ok: false, reason });

/** The bridge's IPv4 addresses with prefix, as they will be after the pending edits. */
function ipv4Cidrs(l: LinkNodeData): string[] {
  return l.addresses.filter((a) => a.status !== "removed" && isIpv4Cidr(a.text)).map((a) => a.text);
}

function edgeBetween(edges: readonly NetEdge[], a: string, b: string, kind: string): NetEdge | undefined {
  return edges.find(
    (e) =>
      e.data?.kind === kind && e.data.status !== "removed" && ((e.source === a && e.target === b) || (e.source === b && e.target === a)),
  );
}

export function connectionIntent(nodes: readonly NetNode[], edges: readonly NetEdge[], c: CanvasConnection): Intent {
  if (c.source === c.target) return refuse("Connect two different things.");
  const src = nodes.find((n) => n.id === c.source);
  const dst = nodes.find((n) => n.id === c.target);
  if (!src || !dst) return refuse("One end is no longer on the canvas.");
  for (const n of [src, dst]) {
    if ((isLinkNode(n) || isGuestNode(n)) && n.data.status === "removed") return refuse(`${n.data.name} is being deleted.`);
  }
  // Put the guest (else the bridge) first, whichever way the line was drawn.
  const srcFirst = src.type === "guest" || (src.type === "bridge" && dst.type !== "guest");
  const [a, b] = srcFirst ? [src, dst] : [dst, src];
  const [aHandle, bHandle] = srcFirst ? [c.sourceHandle, c.targetHandle] : [c.targetHandle, c.sourceHandle];

  if (isGuestNode(a)) {
    const nic = /^nic-(\d+)$/.exec(aHandle ?? "");
    if (!nic) return refuse("Start from one of the guest's NIC handles.");
    if (!isLinkNode(b) || b.type !== "bridge") {
      return refuse(
        b.type === "tap" ? "Connect the NIC to a bridge: Labdeck makes the guest's TAP itself." : "A guest NIC connects to a bridge.",
      );
    }
    const index = Number(nic[1]);
    const current = a.data.nics.find((n) => n.index === index);
    if (!current) return refuse(`${a.data.name} has no NIC ${index}.`);
    const onBridge =
      current.pending !== null ? (current.pending === "user" ? null : current.pending) : current.kind === "tap" ? current.bridge : null;
    if (onBridge === b.data.name) {
      return refuse(`${a.data.name} NIC ${index} is already on ${b.data.name}.`);
    }
    return {
      ok: true,
      edit: {
        label: `Connect ${a.data.name} NIC ${index} to ${b.data.name}`,
        ops: [],
        guestLinks: [{ guestId: a.data.guestId, nic: index, bridge: b.data.name }],
      },
    };
  }

  if (!isLinkNode(a) || !isLinkNode(b)) return refuse("These two cannot be connected.");
  if (a.type === "bridge" && b.type === "bridge") return refuse("A bridge cannot be a port of another bridge.");
  if (a.type !== "bridge") return refuse("Connect it to a bridge.");
  const bridge = a.data;
  const other = b.data;

  if (b.type === "uplink" && bHandle === "nat") {
    const cidr = ipv4Cidrs(bridge)[0];
    const source = cidr ? subnetOf(cidr) : null;
    if (!source) return refuse(`Give ${bridge.name} an IPv4 address first: NAT sends its subnet out of ${other.name}.`);
    if (edgeBetween(edges, a.id, b.id, "nat")) return refuse(`${bridge.name} is already NATed out of ${other.name}.`);
    return {
      ok: true,
      edit: {
        label: `NAT ${bridge.name} (${source}) out of ${other.name}`,
        ops: [
          { op: "nat.add", source, outInterface: other.name },
          // Without forwarding the kernel drops what the guests send before NAT sees it.
          { op: "forward.set", enabled: true },
        ],
        guestLinks: [],
      },
    };
  }

  if (edgeBetween(edges, a.id, b.id, "port")) return refuse(`${other.name} is already a port of ${bridge.name}.`);
  return {
    ok: true,
    edit: {
      label: `Attach ${other.name} to bridge ${bridge.name}`,
      ops: [{ op: "port.attach", port: other.name, bridge: bridge.name }],
      guestLinks: [],
    },
  };
}

export interface DeletionIntent {
  edits: EditDraft[];
  /** Pending edits whose additions were deleted: dropping them is the whole undo. */
  dropEditIds: string[];
}

/**
 * Deleting on the canvas. React Flow hands over a deleted node together with its lines;
 * a bridge's port lines need nothing more (deleting the bridge frees its ports), while
 * its NAT and guest lines become edits of their own so the user sees, and can keep or
 * drop, the NAT rule and the guest definitions that named the bridge.
 */
export function deletionIntent(allNodes: readonly NetNode[], nodes: readonly NetNode[], edges: readonly NetEdge[]): DeletionIntent {
  const out: DeletionIntent = { edits: [], dropEditIds: [] };
  const drop = (id: string | null) => {
    if (id && !out.dropEditIds.includes(id)) out.dropEditIds.push(id);
  };
  const deletedIds = new Set<string>();
  for (const n of nodes) {
    if (!isLinkNode(n) || n.type === "uplink") continue;
    deletedIds.add(n.id);
    if (n.data.status === "added") drop(n.data.editId);
    else if (n.data.status === "current") {
      out.edits.push(
        n.type === "bridge"
          ? { label: `Delete bridge ${n.data.name}`, ops: [{ op: "bridge.delete", name: n.data.name }], guestLinks: [] }
          : { label: `Delete TAP ${n.data.name}`, ops: [{ op: "tap.delete", name: n.data.name }], guestLinks: [] },
      );
    }
  }
  for (const e of edges) {
    const d = e.data;
    if (!d || d.status === "removed") continue;
    if (d.status === "added") {
      drop(d.editId);
      continue;
    }
    if (d.kind === "port" && d.port) {
      if (deletedIds.has(e.source) || deletedIds.has(e.target)) continue;
      out.edits.push({
        label: `Detach ${d.port} from ${d.bridge ?? "its bridge"}`,
        ops: [{ op: "port.detach", port: d.port }],
        guestLinks: [],
      });
    } else if (d.kind === "nat" && d.nat) {
      const { source, outInterface, toSource } = d.nat;
      out.edits.push({
        label: `Stop NAT of ${source} out of ${outInterface}`,
        ops: [{ op: "nat.remove", source, outInterface, ...(toSource ? { toSource } : {}) }],
        guestLinks: [],
      });
    } else if (d.kind === "guest" && d.guest) {
      const guest = allNodes.find((n) => isGuestNode(n) && n.data.guestId === d.guest?.guestId);
      const name = isGuestNode(guest) ? guest.data.name : "guest";
      out.edits.push({
        label: `${name} NIC ${d.guest.nic} back to user-mode networking`,
        ops: [],
        guestLinks: [{ guestId: d.guest.guestId, nic: d.guest.nic, bridge: null }],
      });
    }
  }
  return out;
}
