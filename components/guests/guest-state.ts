import type { GuestAction, GuestStateView } from "../api-types";

// A copy of the state predicates in server/hypervisors/qemu/guest-definition.ts (the app
// cannot import server code at runtime). Keep the two in step: the server refuses an
// action its own predicate rejects, so a drift here only enables a button that then fails.

export type GuestState = GuestStateView["state"];

export const canStart = (s: GuestState) => s === "shut-off" || s === "crashed";
export const canShutdown = (s: GuestState) => s === "running" || s === "paused";
export const canForceStop = (s: GuestState) => s === "running" || s === "paused" || s === "unknown";
export const canReboot = (s: GuestState) => s === "running";
export const canPause = (s: GuestState) => s === "running";
export const canResume = (s: GuestState) => s === "paused";
export const canDelete = (s: GuestState) => s === "shut-off" || s === "crashed";

export const ACTION_ALLOWED: Record<GuestAction, (s: GuestState) => boolean> = {
  start: canStart,
  shutdown: canShutdown,
  "force-stop": canForceStop,
  reboot: canReboot,
  pause: canPause,
  resume: canResume,
  delete: canDelete,
};

export const ACTION_LABEL: Record<GuestAction, string> = {
  start: "Start",
  shutdown: "Shut down",
  "force-stop": "Force stop",
  reboot: "Reboot",
  pause: "Pause",
  resume: "Resume",
  delete: "Delete",
};
