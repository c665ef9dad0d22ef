import type { NetworkView, Position } from "./network-types";
import { buildTopologyGraph, type TopologyGraph } from "./topology-graph";
import { hostNodeId, type HostGroupNode, type HostNotice, type NetNode } from "./topology-model";

// Several hosts on one canvas: each host is a group node holding its own topology graph
// (ids prefixed "<hostId>/" so two hosts' eth0 stay apart). Child positions are relative
// to their group, as React Flow places sub-flow nodes; a child nobody placed gets its
// host's layered default shifted inside the group's frame. Hosts are independent
// networks here: no line is drawn between them.

export interface HostEntry {
  hostId: string;
  hostName: string;
  view: NetworkView | null;
  /** Why there is no view (key not confirmed, unreachable, still reading). */
  notice: HostNotice | null;
}

const PAD = 30;
const HEADER = 50;
const NODE_W = 220;
const NODE_H = 170;
const GAP = 80;

function bounds(points: Position[]): { minX: number; minY: number; maxX: number; maxY: number } {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) };
}

export function allHostsGraph(hosts: readonly HostEntry[], positions: Record<string, Position>): TopologyGraph {
  const nodes: NetNode[] = [];
  const edges: TopologyGraph["edges"] = [];
  let nextX = 0;
  for (const h of hosts) {
    const groupId = hostNodeId(h.hostId);
    const sub = h.view ? buildTopologyGraph(h.view, { idPrefix: `${h.hostId}/`, hostId: h.hostId }) : { nodes: [], edges: [] };
    const defaults = sub.nodes.length > 0 ? bounds(sub.nodes.map((n) => n.position)) : null;
    const children = sub.nodes.map((n) => ({
      ...n,
      parentId: groupId,
      expandParent: true,
      deletable: false,
      position:
        positions[n.id] ?? (defaults ? { x: n.position.x - defaults.minX + PAD, y: n.position.y - defaults.minY + HEADER } : n.position),
    })) as NetNode[];
    const box = children.length > 0 ? bounds(children.map((n) => n.position)) : null;
    const width = box ? Math.max(320, box.maxX + NODE_W + PAD) : 320;
    const height = box ? Math.max(140, box.maxY + NODE_H + PAD) : 140;
    const group: HostGroupNode = {
      id: groupId,
      type: "host",
      position: positions[groupId] ?? { x: nextX, y: 0 },
      data: { role: "host", hostId: h.hostId, hostName: h.hostName, notice: h.notice },
      style: { width, height },
      deletable: false,
    };
    nextX += width + GAP;
    // React Flow needs a parent before its children in the list.
    nodes.push(group, ...children);
    edges.push(...sub.edges);
  }
  return { nodes, edges };
}
