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
  /** The same owners as positions in the edit list: what preview/run send as opEdits/linkEdits. */
  opEdits: number[];
  linkEdits: number[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The request body for preview/run. An op two edits both need (forward.set when two
 * bridges get NAT) is sent once; a later guest re-link of the same NIC replaces the
 * earlier one, as the user's last gesture is what they meant.
 */
export function flattenEdits(edits: readonly PendingEdit[]): FlatEdits {
  const flat: FlatEdits = { ops: [], guestLinks: [], opOwner: [], linkOwner: [], opEdits: [], linkEdits: [] };
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
  const position = new Map(edits.map((e, i) => [e.id, i]));
  flat.opEdits = flat.opOwner.map((id) => position.get(id) ?? 0);
  flat.linkEdits = flat.linkOwner.map((id) => position.get(id) ?? 0);
  return flat;
}

/**
 * The edits a preview says change the host: those owning an op that changes something,
 * and every guest re-link. The server's job title counts the same way (changedEditCount).
 */
export function changingEdits(flat: FlatEdits, ops: readonly { index: number; status: string }[]): Set<string> {
  const out = new Set<string>();
  for (const o of ops) if (o.status === "change" && flat.opOwner[o.index] !== undefined) out.add(flat.opOwner[o.index] as string);
  for (const id of flat.linkOwner) out.add(id);
  return out;
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
  /** Seconds, as people think of it (and as `brctl setfd/sethello/setmaxage` take them); ip takes centiseconds. Null: leave as is (kernel default on a new bridge). */
  forwardDelayS: number | null;
  helloTimeS?: number | null;
  maxAgeS?: number | null;
}

export function toCentiseconds(seconds: number): number {
  return Math.round(seconds * 100);
}

/** Every timer the server's bridge ops take (ZBridgeTimers), in centiseconds. */
function timersOf(f: BridgeForm) {
  return {
    stp: f.stp,
    ...(f.forwardDelayS == null ? {} : { forwardDelayCs: toCentiseconds(f.forwardDelayS) }),
    ...(f.helloTimeS == null ? {} : { helloTimeCs: toCentiseconds(f.helloTimeS) }),
    ...(f.maxAgeS == null ? {} : { maxAgeCs: toCentiseconds(f.maxAgeS) }),
  };
}

function timerDetails(f: BridgeForm): string[] {
  return [
    `STP ${f.stp ? "on" : "off"}`,
    ...(f.forwardDelayS == null ? [] : [`forward delay ${f.forwardDelayS} s`]),
    ...(f.helloTimeS == null ? [] : [`hello time ${f.helloTimeS} s`]),
    ...(f.maxAgeS == null ? [] : [`max age ${f.maxAgeS} s`]),
  ];
}

export function addBridgeEdit(f: BridgeForm): EditDraft {
  const ops: TNetOpInput[] = [{ op: "bridge.create", name: f.name, ...timersOf(f) }];
  // bridge.create brings the bridge up itself: no link.up op that could only repeat it.
  if (f.cidr) ops.push({ op: "address.add", dev: f.name, cidr: f.cidr });
  const details = [...(f.cidr ? [f.cidr] : []), ...timerDetails(f)];
  return { label: `Add bridge ${f.name} (${details.join(", ")})`, ops, guestLinks: [] };
}

/** Changed timers and, optionally, one more address on an existing bridge. */
export function editBridgeEdit(f: BridgeForm): EditDraft {
  const ops: TNetOpInput[] = [{ op: "bridge.set", name: f.name, ...timersOf(f) }];
  if (f.cidr) ops.push({ op: "address.add", dev: f.name, cidr: f.cidr });
  const details = [...timerDetails(f), ...(f.cidr ? [`add ${f.cidr}`] : [])];
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
    // tap.create brings the TAP up itself.
    ops: [{ op: "tap.create", name: f.name, ...(f.user ? { user: f.user } : {}), ...(f.group ? { group: f.group } : {}) }],
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
      {
        op: "portforward.add",
        protocol: f.protocol,
        hostPort: f.hostPort,
        inInterface: f.inInterface,
        toAddress: f.toAddress,
        toPort: f.toPort,
      },
      // A DNAT to a guest behind a bridge goes nowhere unless the host routes between links.
      { op: "forward.set", enabled: true },
    ],
    guestLinks: [],
  };
}
