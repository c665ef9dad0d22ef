import type { Position } from "./network-types";

// Keeping what the user just added in sight. A node placed by the default layout can land
// outside the part of the canvas on screen (the rows re-centre as nodes are added, and a
// saved layout or a pan moved the view elsewhere); the canvas then fits the view so the
// new node shows up where the user is looking, rather than nowhere.

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** A node's size before React Flow has measured it: the link card's width, a typical height. */
export const NODE_SIZE = { width: 210, height: 90 } as const;

/** Whether a node at `p` (flow coordinates) lies wholly inside a `size` pane shown through `vp`. */
export function isOnScreen(
  p: Position,
  vp: Viewport,
  size: { width: number; height: number },
  node: { width: number; height: number } = NODE_SIZE,
): boolean {
  const left = p.x * vp.zoom + vp.x;
  const top = p.y * vp.zoom + vp.y;
  return left >= 0 && top >= 0 && left + node.width * vp.zoom <= size.width && top + node.height * vp.zoom <= size.height;
}

/** Ids in `next` that were not in `prev`: the nodes to bring into view. */
export function newIds(prev: ReadonlySet<string>, next: readonly { id: string }[]): string[] {
  return next.filter((n) => !prev.has(n.id)).map((n) => n.id);
}

/** Handle ids as the nodes name them (net-nodes.tsx), in words for the hint. */
export function handleWords(handleId: string | null): string {
  if (handleId === "nat") return "NAT handle";
  if (handleId === "up" || handleId === "down") return "handle";
  const nic = /^nic-(\d+)$/.exec(handleId ?? "");
  return nic ? `NIC ${nic[1]}` : "handle";
}
