import type { GuestOnHost, NetworkView, Position, TNetLink } from "./network-types";
import type { PendingEdit } from "./pending-edits";
import { guestEdge, natEdge, portEdge, type GraphDraft } from "./topology-draft";
import { applyPendingEdits } from "./topology-overlay";
import { layeredPositions } from "./topology-layout";
import {
  guestNodeId,
  linkNodeId,
  nicHandleId,
  type GuestNodeData,
  type LinkNodeData,
  type LinkRole,
  type NetEdge,
  type NetNode,
  type Tagged,
} from "./topology-model";
import { natBadgeText, natRules, natSourcesSubnet, portForwardLink, portForwardText, portForwards, routeLabel } from "./topology-badges";

// NetworkView (+ the pending edit list) -> React Flow nodes and edges. Pure: the canvas
// redraws from whatever the host last reported, never from what the browser believes it
// did, and a unit test can check the picture from a hand-written view. Node ids are
// stable across reads (`link:<ifname>`, `guest:<guestId>`) because saved layouts and the
// pending edits refer to them.

export interface GraphOptions {
  /** Prepended to every id ("<hostId>/") when several hosts share one canvas. */
  idPrefix?: string;
  hostId?: string | null;
  edits?: readonly PendingEdit[];
  /** Saved positions by full node id; nodes without one get the layered default. */
  positions?: Record<string, Position>;
}

export interface TopologyGraph {
  nodes: NetNode[];
  edges: NetEdge[];
}

function roleOf(link: TNetLink): LinkRole | null {
  if (link.kind === "loopback") return null;
  if (link.kind === "bridge") return "bridge";
  if (link.kind === "tap") return "tap";
  return "uplink";
}

const current = (key: string, text: string): Tagged => ({ key, text, status: "current" });

function linkData(view: Pick<NetworkView, "network">, link: TNetLink, role: LinkRole, hostId: string | null): LinkNodeData {
  const net = view.network;
  const bridge = net.bridges.find((b) => b.name === link.name);
  const tun = link.tun;
  return {
    role,
    name: link.name,
    linkKind: link.kind,
    status: "current",
    editId: null,
    up: link.adminUp,
    state: link.state,
    // Link-local IPv6 is on every link and says nothing about the lab's wiring.
    addresses: link.addresses.filter((a) => a.family === "inet" || a.scope !== "link").map((a) => current(a.cidr, a.cidr)),
    badges: [],
    routes: net.routes.flatMap((r) => {
      const text = r.dev === link.name ? routeLabel(r) : null;
      return text === null ? [] : [current(text, text)];
    }),
    stp: bridge ? bridge.options.stp : null,
    forwardDelayCs: bridge ? bridge.options.forwardDelayCs : null,
    helloTimeCs: bridge ? bridge.options.helloTimeCs : null,
    maxAgeCs: bridge ? bridge.options.maxAgeCs : null,
    owner: tun ? [tun.user, tun.group].filter((v) => v !== null).join(":") || null : null,
    ssh: net.ssh?.interface === link.name,
    notes: [],
    hostId,
  };
}

function guestData(g: GuestOnHost, hostId: string | null): GuestNodeData {
  return {
    role: "guest",
    guestId: g.id,
    name: g.name,
    running: g.running,
    state: g.state ?? null,
    nics: g.nics.map((n) => ({
      index: n.index,
      model: n.model,
      kind: n.kind,
      bridge: n.bridge,
      tap: n.tap,
      handleId: nicHandleId(n.index),
      pending: null,
    })),
    status: "current",
    hostId,
  };
}

/** The host as read, before pending edits. */
export function baseDraft(view: Pick<NetworkView, "network" | "guests">, hostId: string | null = null): GraphDraft {
  const net = view.network;
  const draft: GraphDraft = { links: new Map(), guests: new Map(), edges: new Map() };
  for (const link of net.links) {
    const role = roleOf(link);
    if (role) draft.links.set(link.name, linkData(view, link, role, hostId));
  }
  for (const link of net.links) {
    const port = draft.links.get(link.name);
    if (port && link.master && draft.links.get(link.master)?.role === "bridge") {
      draft.edges.set(`port:${link.name}`, portEdge(`port:${link.name}`, port, link.master));
    }
  }
  for (const nat of natRules(net)) {
    const out = draft.links.get(nat.outInterface);
    if (!out) continue;
    out.badges.push(current(`nat:${nat.source ?? "all"}`, natBadgeText(nat)));
    for (const b of draft.links.values()) {
      if (
        b.role === "bridge" &&
        nat.source !== null &&
        natSourcesSubnet(
          nat,
          b.addresses.map((a) => a.text),
        )
      ) {
        draft.edges.set(`nat:${b.name}:${out.name}`, natEdge(b.name, out.name, { source: nat.source, toSource: nat.toSource }));
      }
    }
  }
  for (const pf of portForwards(net)) {
    const on = draft.links.get(portForwardLink(net, pf) ?? "");
    on?.badges.push(current(`dnat:${pf.protocol}:${pf.hostPort}:${pf.toAddress}:${pf.toPort ?? ""}`, portForwardText(pf)));
  }
  for (const g of view.guests) {
    draft.guests.set(g.id, guestData(g, hostId));
    for (const nic of g.nics) {
      if (nic.kind !== "tap") continue;
      const tap = g.running && nic.tap ? draft.links.get(nic.tap) : undefined;
      const bridge = nic.bridge ? draft.links.get(nic.bridge) : undefined;
      const target = tap ?? (bridge?.role === "bridge" ? bridge : undefined);
      if (target) draft.edges.set(`guest:${g.id}:${nic.index}`, guestEdge(`guest:${g.id}:${nic.index}`, g, nic.index, target));
    }
  }
  return draft;
}

export function buildTopologyGraph(view: Pick<NetworkView, "network" | "guests">, opts: GraphOptions = {}): TopologyGraph {
  const prefix = opts.idPrefix ?? "";
  const hostId = opts.hostId ?? null;
  const draft = applyPendingEdits(baseDraft(view, hostId), view, opts.edits ?? []);
  const defaults = layeredPositions(draft);
  const positionOf = (localId: string): Position => opts.positions?.[prefix + localId] ?? defaults.get(localId) ?? { x: 0, y: 0 };

  const nodes: NetNode[] = [];
  for (const l of draft.links.values()) {
    const id = linkNodeId(l.name);
    nodes.push({
      id: prefix + id,
      type: l.role,
      position: positionOf(id),
      data: l,
      // The uplinks are the host's own NICs: Labdeck draws them but never deletes them.
      deletable: l.role !== "uplink" && l.status !== "removed",
    });
  }
  for (const g of draft.guests.values()) {
    const id = guestNodeId(g.guestId);
    nodes.push({ id: prefix + id, type: "guest", position: positionOf(id), data: g, deletable: false });
  }
  const edges: NetEdge[] = [...draft.edges.values()].map((e) => ({
    id: prefix + e.id,
    type: "net",
    source: prefix + e.source,
    sourceHandle: e.sourceHandle,
    target: prefix + e.target,
    targetHandle: e.targetHandle,
    data: e.data,
    deletable: e.data.status !== "removed",
  }));
  return { nodes, edges };
}
