import type { Edge, Node } from "@xyflow/react";

// The data each canvas node and edge carries. Kept apart from the transform so the node
// components, the intents (what a drawn connection means) and the transform share one
// vocabulary. "added"/"removed" mark what the pending edit list would change; such items
// remember the edit (editId) so deleting them on the canvas drops that edit instead of
// asking the host to undo something that was never applied.

export type ItemStatus = "current" | "added" | "removed";

export type Tagged = { key: string; text: string; status: ItemStatus };

export type LinkRole = "uplink" | "bridge" | "tap";

export type LinkNodeData = {
  role: LinkRole;
  name: string;
  /** The kind `ip link` reports (physical, veth, bridge, tap, tun, vlan...). */
  linkKind: string;
  status: ItemStatus;
  editId: string | null;
  up: boolean;
  state: string;
  addresses: Tagged[];
  /** NAT and port forwards leaving or arriving on this link. */
  badges: Tagged[];
  routes: Tagged[];
  stp: boolean | null;
  forwardDelayCs: number | null;
  /** STP hello time and max age (centiseconds), as the bridge dialog sets them. */
  helloTimeCs: number | null;
  maxAgeCs: number | null;
  /** TAP owner "user:group", "user", or null for anyone allowed on /dev/net/tun. */
  owner: string | null;
  /** Carries Labdeck's own SSH session: changes here are guarded. */
  ssh: boolean;
  /** Pending in-place changes ("STP on") that do not add or remove the node. */
  notes: string[];
  hostId: string | null;
};

export type GuestNicData = {
  index: number;
  model: string;
  kind: "user" | "tap";
  bridge: string | null;
  tap: string | null;
  handleId: string;
  /** What a pending re-link makes of it: a bridge name, "user" (back to user-mode), or null. */
  pending: string | null;
};

export type GuestNodeData = {
  role: "guest";
  guestId: string;
  name: string;
  running: boolean;
  /** The guest pages' state word when known (guests.states); null: only the read's guess. */
  state: string | null;
  nics: GuestNicData[];
  status: ItemStatus;
  hostId: string | null;
};

export type HostGroupData = {
  role: "host";
  hostId: string;
  hostName: string;
  /** Why the group is empty: an error, or just "reading" (which is not one). */
  notice: HostNotice | null;
};

export type HostNotice = { tone: "error" | "info"; text: string };

export type LinkNode = Node<LinkNodeData, LinkRole>;
export type GuestNode = Node<GuestNodeData, "guest">;
export type HostGroupNode = Node<HostGroupData, "host">;
export type NetNode = LinkNode | GuestNode | HostGroupNode;

export type NetEdgeData = {
  kind: "port" | "nat" | "guest";
  status: ItemStatus;
  editId: string | null;
  label: string | null;
  /** Drawn dashed: a link that exists only in a definition (a stopped guest's NIC). */
  dashed: boolean;
  port: string | null;
  bridge: string | null;
  nat: { source: string; outInterface: string; toSource: string | null } | null;
  guest: { guestId: string; nic: number } | null;
};

export type NetEdge = Edge<NetEdgeData, "net">;

export const linkNodeId = (name: string) => `link:${name}`;
export const guestNodeId = (guestId: string) => `guest:${guestId}`;
export const hostNodeId = (hostId: string) => `host:${hostId}`;
export const nicHandleId = (index: number) => `nic-${index}`;

export function isLinkNode(n: NetNode | undefined): n is LinkNode {
  return n !== undefined && (n.type === "uplink" || n.type === "bridge" || n.type === "tap");
}

export function isGuestNode(n: NetNode | undefined): n is GuestNode {
  return n !== undefined && n.type === "guest";
}
