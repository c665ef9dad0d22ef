import { sameSubnet } from "@/lib/ipv4";
import { tableName } from "./route-ops";
import type { NetworkView, TNetOpInput } from "./network-types";
import type { PendingEdit } from "./pending-edits";
import { natBadgeText, portForwardLink, portForwardText, routeLabel } from "./topology-badges";
import { guestEdge, natEdge, portEdge, type DraftEdge, type GraphDraft } from "./topology-draft";
import { linkNodeId, type ItemStatus, type LinkNodeData, type LinkRole, type Tagged } from "./topology-model";

// Draws the pending edit list onto the graph of the host as read: what an edit adds is
// marked "added", what it takes away "removed" (drawn struck through, not hidden, so the
// user sees what Apply will cut). This is the editor's own reading of its ops, meant for
// the picture only: the preview's plan, built on the server against the live host, is
// what decides what actually runs.

function newLink(role: LinkRole, name: string, editId: string, hostId: string | null): LinkNodeData {
  return {
    role,
    name,
    linkKind: role,
    status: "added",
    editId,
    up: false,
    state: "pending",
    addresses: [],
    badges: [],
    routes: [],
    stp: null,
    forwardDelayCs: null,
    helloTimeCs: null,
    maxAgeCs: null,
    owner: null,
    ssh: false,
    notes: [],
    hostId,
  };
}

function mark(items: Tagged[], key: string, status: ItemStatus): void {
  for (const t of items) if (t.key === key && t.status === "current") t.status = status;
}

function add(items: Tagged[], key: string, text: string): void {
  if (!items.some((t) => t.key === key && t.status !== "removed")) items.push({ key, text, status: "added" });
}

function removeEdge(draft: GraphDraft, edge: DraftEdge | undefined, editId: string): void {
  if (edge && edge.data.status === "current") edge.data = { ...edge.data, status: "removed", editId };
}

function addEdge(draft: GraphDraft, edge: DraftEdge, editId: string): void {
  const existing = draft.edges.get(edge.id);
  // Re-adding what is there (a removal undone later in the list) just restores it.
  if (existing && existing.data.status !== "added" && existing.target === edge.target) {
    existing.data = { ...existing.data, status: "current", editId: null };
    return;
  }
  const id = existing ? `${edge.id}~${editId}` : edge.id;
  draft.edges.set(id, { ...edge, id, data: { ...edge.data, status: "added", editId } });
}

/** Every timer the bridge dialog sets, in the dialog's order ("STP on, forward delay 4 s, hello time 1 s, max age 12 s"). */
export function bridgeTimersText(
  t: {
    stp?: boolean | null | undefined;
    forwardDelayCs?: number | null | undefined;
    helloTimeCs?: number | null | undefined;
    maxAgeCs?: number | null | undefined;
  },
  separator = ", ",
): string {
  const s = (cs: number | null | undefined, label: string) => (cs == null ? null : `${label} ${cs / 100} s`);
  return [
    t.stp == null ? null : `STP ${t.stp ? "on" : "off"}`,
    s(t.forwardDelayCs, "forward delay"),
    s(t.helloTimeCs, "hello time"),
    s(t.maxAgeCs, "max age"),
  ]
    .filter(Boolean)
    .join(separator);
}

function timersNote(op: { stp?: boolean; forwardDelayCs?: number; helloTimeCs?: number; maxAgeCs?: number }): string {
  return bridgeTimersText(op);
}

function bridgeCidrs(link: LinkNodeData): string[] {
  return link.addresses.filter((a) => a.status !== "removed").map((a) => a.text);
}

function applyOp(draft: GraphDraft, view: Pick<NetworkView, "network">, op: TNetOpInput, editId: string, hostId: string | null): void {
  const links = draft.links;
  switch (op.op) {
    case "bridge.create": {
      const existing = links.get(op.name);
      if (existing) {
        if (timersNote(op)) existing.notes.push(timersNote(op));
        return;
      }
      const b = newLink("bridge", op.name, editId, hostId);
      b.stp = op.stp ?? false;
      b.forwardDelayCs = op.forwardDelayCs ?? null;
      b.helloTimeCs = op.helloTimeCs ?? null;
      b.maxAgeCs = op.maxAgeCs ?? null;
      links.set(op.name, b);
      return;
    }
    case "bridge.set": {
      const note = timersNote(op);
      if (note) links.get(op.name)?.notes.push(note);
      return;
    }
    case "tap.create": {
      if (!links.has(op.name)) {
        const t = newLink("tap", op.name, editId, hostId);
        t.owner = [op.user, op.group].filter(Boolean).join(":") || null;
        links.set(op.name, t);
      }
      if (op.bridge) applyOp(draft, view, { op: "port.attach", port: op.name, bridge: op.bridge }, editId, hostId);
      return;
    }
    case "bridge.delete":
    case "tap.delete": {
      const l = links.get(op.name);
      if (!l) return;
      if (l.status === "current") {
        l.status = "removed";
        l.editId = editId;
      }
      const id = linkNodeId(op.name);
      for (const e of draft.edges.values()) if (e.source === id || e.target === id) removeEdge(draft, e, editId);
      return;
    }
    case "port.attach": {
      const port = links.get(op.port);
      if (!port || !links.has(op.bridge)) return;
      const existing = draft.edges.get(`port:${op.port}`);
      if (existing?.target === `link:${op.bridge}` && existing.data.status === "current") return;
      removeEdge(draft, existing, editId);
      addEdge(draft, portEdge(`port:${op.port}`, port, op.bridge), editId);
      return;
    }
    case "port.detach":
      removeEdge(draft, draft.edges.get(`port:${op.port}`), editId);
      return;
    case "address.add": {
      const l = links.get(op.dev);
      if (l) add(l.addresses, op.cidr, op.cidr);
      return;
    }
    case "address.delete": {
      const l = links.get(op.dev);
      if (l) mark(l.addresses, op.cidr, "removed");
      return;
    }
    case "nat.add":
    case "nat.remove": {
      const out = links.get(op.outInterface);
      if (!out) return;
      const key = `nat:${op.source}`;
      const nat = { source: op.source, toSource: op.toSource ?? null };
      if (op.op === "nat.add") add(out.badges, key, natBadgeText(nat));
      else mark(out.badges, key, "removed");
      for (const b of links.values()) {
        if (b.role !== "bridge" || !bridgeCidrs(b).some((c) => sameSubnet(c, op.source))) continue;
        const edge = natEdge(b.name, out.name, nat);
        if (op.op === "nat.add") addEdge(draft, edge, editId);
        else removeEdge(draft, draft.edges.get(edge.id), editId);
      }
      return;
    }
    case "portforward.add":
    case "portforward.remove": {
      const on = links.get(portForwardLink(view.network, { inInterface: op.inInterface ?? null }) ?? "");
      if (!on) return;
      const key = `dnat:${op.protocol}:${op.hostPort}:${op.toAddress}:${op.toPort}`;
      if (op.op === "portforward.add") add(on.badges, key, portForwardText({ ...op, toPort: op.toPort }));
      else mark(on.badges, key, "removed");
      return;
    }
    case "route.add":
    case "route.delete": {
      const l = op.dev ? links.get(op.dev) : undefined;
      if (!l) return;
      // By name, as the read labels the routes this one is compared with.
      const table = tableName(view.network, op.table);
      const text = routeLabel({
        table,
        tableId: null,
        dst: op.dst,
        family: "inet",
        type: "unicast",
        gateway: op.via ?? null,
        dev: op.dev ?? null,
        protocol: null,
        scope: null,
        metric: op.metric ?? null,
        prefsrc: op.src ?? null,
        flags: [],
      });
      if (text === null) return;
      if (op.op === "route.add") add(l.routes, text, text);
      else mark(l.routes, text, "removed");
      return;
    }
    default:
      // Links up/down, forwarding and firewall rules have no shape on the canvas: the
      // pending list and the tabs show them.
      return;
  }
}

export function applyPendingEdits(draft: GraphDraft, view: Pick<NetworkView, "network">, edits: readonly PendingEdit[]): GraphDraft {
  const hostId = [...draft.links.values()][0]?.hostId ?? null;
  for (const edit of edits) {
    for (const op of edit.ops) applyOp(draft, view, op, edit.id, hostId);
    for (const link of edit.guestLinks) {
      const guest = draft.guests.get(link.guestId);
      const nic = guest?.nics.find((n) => n.index === link.nic);
      if (!guest || !nic) continue;
      const id = `guest:${guest.guestId}:${nic.index}`;
      const existing = draft.edges.get(id);
      if (link.bridge !== null && existing?.data.bridge === link.bridge && existing.data.status === "current") continue;
      removeEdge(draft, existing, edit.id);
      nic.pending = link.bridge ?? "user";
      const bridge = link.bridge === null ? undefined : draft.links.get(link.bridge);
      if (bridge) {
        const edge = guestEdge(id, { id: guest.guestId, running: guest.running }, nic.index, bridge);
        // A running guest's TAP is moved by the apply itself; a stopped one waits for its start.
        edge.data = { ...edge.data, dashed: true, label: guest.running ? "moves on apply" : "connects when started" };
        addEdge(draft, edge, edit.id);
      }
    }
  }
  return draft;
}
