import type { THostNetwork } from "@/server/network/network-model";
import type { TNetOpInput } from "@/server/network/ops";

// The shapes the network pages work with (types only: nothing from server/ runs in the
// browser). NetworkView is what `network.read` returns, written out so the pure graph
// transform and its tests can hand-write one; the pages assign the router's output to
// these types without a cast, so the compiler flags the day the two part ways.

export type { THostNetwork, TNetOpInput };
export type TNetLink = THostNetwork["links"][number];
export type TNetRoute = THostNetwork["routes"][number];
export type TNetRule = THostNetwork["rules"][number];
export type TNetIptables = NonNullable<THostNetwork["iptables"]>;
export type TNetChain = TNetIptables["tables"][number]["chains"][number];
export type TNetIptablesRule = TNetChain["rules"][number];

export interface GuestNicView {
  index: number;
  model: string;
  kind: "user" | "tap";
  /** The bridge the definition names (tap NICs). */
  bridge: string | null;
  /** The TAP QEMU holds while the guest runs. */
  tap: string | null;
}

export interface GuestOnHost {
  id: string;
  name: string;
  running: boolean;
  /** The normalised state from guests.states (running, paused, shut-off, crashed, unknown) once known. */
  state?: string;
  nics: GuestNicView[];
}

export interface DriftItem {
  kind: string;
  key: string;
  change: "added" | "removed" | "changed";
  summary: string;
}

export type ChangeState = "applying" | "armed" | "confirmed" | "rolled-back" | "failed" | "timer-lost";

export interface PendingChange {
  changeId: string;
  jobId: string | null;
  title?: string;
  /** Epoch ms: the host rolls the change back by itself unless it is confirmed before. */
  deadline: number | null;
  /** A ChangeState; kept as string so a state added on the server shows instead of breaking the page. */
  state: string;
}

export type Position = { x: number; y: number };

export interface NetworkView {
  hostId: string;
  hostName: string;
  readAt: string | Date;
  network: THostNetwork;
  guests: GuestOnHost[];
  drift: { recordedAt: string | Date | null; recordedBy: string | null; items: DriftItem[] };
  pending: PendingChange | null;
  layout: Record<string, Position>;
}

/** A guest NIC re-pointed at a bridge (null: back to user-mode networking). */
export interface GuestLink {
  guestId: string;
  nic: number;
  bridge: string | null;
}

export interface NetworkPreview {
  nothingToDo: boolean;
  steps: { argv: string[]; purpose: string; undo?: string[] | null; stdin?: string | null }[];
  script: string;
  /** The job's title if applied now (counts edits the way the pending panel does). */
  title?: string;
  ops: (
    | { index: number; status: "change" | "in-place"; summary: string }
    | { index: number; status: "covered"; by: number | null; summary: string }
  )[];
  guestEdits: { guestId: string; name: string; summary: string }[];
  /** The host as it would be afterwards; null when nothing was planned. */
  projected: THostNetwork | null;
  ssh: { ok: boolean; reasons: string[] };
  rollback: { needed: boolean; seconds: number };
}
