import type { GuestLink, TNetOpInput } from "./network-types";

// The editor's unit of work. One gesture on the canvas ("add bridge labbr0", "NAT labbr0
// out of eth0") becomes one PendingEdit holding the ops (server/network/ops.ts) and guest
// re-links it needs; nothing reaches the host until the user previews and applies the
// whole list. Removing an edit removes exactly its ops, so an edit must never share an op
// object with another one; identical ops from two edits are sent once (see flattenEdits).

export interface PendingEdit {
  id: string;
  label: string;
  ops: TNetOpInput[];
  guestLinks: GuestLink[];
}

export type EditDraft = Omit<PendingEdit, "id">;

export interface FlatEdits {
  ops: TNetOpInput[];
  guestLinks: GuestLink[];
  /** The edit each sent op (by index) came from: maps a server error on `ops.3.cidr` back to its edit. */
  opOwner: string[];
  linkOwner: string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The request body for preview/run. An op two edits both need (forward.set when two
 * bridges get NAT) is sent once; a later guest re-link of the same NIC replaces the
 * earlier one, as the user's last gesture is what they meant.
 */
export function flattenEdits(edits: readonly PendingEdit[]): FlatEdits {
  const flat: FlatEdits = { ops: [], guestLinks: [], opOwner: [], linkOwner: [] };
  for (const e of edits) {
    for (const op of e.ops) {
      if (flat.ops.some((o) => same(o, op))) continue;
      flat.ops.push(op);
      flat.opOwner.push(e.id);
    }
    for (const link of e.guestLinks) {
      const at = flat.guestLinks.findIndex((l) => l.guestId === link.guestId && l.nic === link.nic);
      if (at >= 0) {
        flat.guestLinks.splice(at, 1);
        flat.linkOwner.splice(at, 1);
      }
      flat.guestLinks.push(link);
      flat.linkOwner.push(e.id);
    }
  }
  return flat;
}

/** "ops.2.cidr" / "guestLinks.0.bridge" -> the id of the edit that sent it. */
export function editForField(flat: FlatEdits, field: string | null): string | null {
  if (!field) return null;
  const m = /^(ops|guestLinks)\.(\d+)(?:\.|$)/.exec(field);
  if (!m) return null;
  const owners = m[1] === "ops" ? flat.opOwner : flat.linkOwner;
  return owners[Number(m[2])] ?? null;
}

// ---- edits the palette and dialogs make ----

export interface BridgeForm {
  name: string;
  /** "192.168.2.1/24" or "" for none. */
  cidr: string;
  stp: boolean;
  /** Seconds, as people think of it; ip takes centiseconds. */
  forwardDelayS: number | null;
}

export function toCentiseconds(seconds: number): number {
  return Math.round(seconds * 100);
}

export function addBridgeEdit(f: BridgeForm): EditDraft {
  const timers = { stp: f.stp, ...(f.forwardDelayS === null ? {} : { forwardDelayCs: toCentiseconds(f.forwardDelayS) }) };
  const ops: TNetOpInput[] = [{ op: "bridge.create", name: f.name, ...timers }];
  if (f.cidr) ops.push({ op: "address.add", dev: f.name, cidr: f.cidr });
  ops.push({ op: "link.up", name: f.name });
  const details = [f.cidr, `STP ${f.stp ? "on" : "off"}`, f.forwardDelayS === null ? null : `forward delay ${f.forwardDelayS} s`].filter(Boolean);
  return { label: `Add bridge ${f.name} (${details.join(", ")})`, ops, guestLinks: [] };
}

/** Changed timers and, optionally, one more address on an existing bridge. */
export function editBridgeEdit(f: BridgeForm): EditDraft {
  const ops: TNetOpInput[] = [
    { op: "bridge.set", name: f.name, stp: f.stp, ...(f.forwardDelayS === null ? {} : { forwardDelayCs: toCentiseconds(f.forwardDelayS) }) },
  ];
  if (f.cidr) ops.push({ op: "address.add", dev: f.name, cidr: f.cidr });
  const details = [`STP ${f.stp ? "on" : "off"}`, f.forwardDelayS === null ? null : `forward delay ${f.forwardDelayS} s`, f.cidr ? `add ${f.cidr}` : null].filter(Boolean);
  return { label: `Change bridge ${f.name} (${details.join(", ")})`, ops, guestLinks: [] };
}

export interface TapForm {
  name: string;
  user: string;
  group: string;
}

export function addTapEdit(f: TapForm): EditDraft {
  const owner = [f.user, f.group].filter(Boolean).join(":");
  return {
    label: `Add TAP ${f.name}${owner ? ` (owner ${owner})` : ""}`,
    ops: [
      { op: "tap.create", name: f.name, ...(f.user ? { user: f.user } : {}), ...(f.group ? { group: f.group } : {}) },
      { op: "link.up", name: f.name },
    ],
    guestLinks: [],
  };
}

export interface PortForwardForm {
  protocol: "tcp" | "udp";
  hostPort: number;
  inInterface: string;
  toAddress: string;
  toPort: number;
}

export function portForwardEdit(f: PortForwardForm): EditDraft {
  return {
    label: `Forward ${f.protocol} ${f.inInterface}:${f.hostPort} → ${f.toAddress}:${f.toPort}`,
    ops: [
      { op: "portforward.add", protocol: f.protocol, hostPort: f.hostPort, inInterface: f.inInterface, toAddress: f.toAddress, toPort: f.toPort },
      // A DNAT to a guest behind a bridge goes nowhere unless the host routes between links.
      { op: "forward.set", enabled: true },
    ],
    guestLinks: [],
  };
}
