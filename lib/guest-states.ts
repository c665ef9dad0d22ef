// What every guest kind shares, whatever runs it: the hypervisors a guest may have, the one
// normalised state every view shows (cockpit-machines' habit: never a raw QEMU or xl
// string), and the lifecycle actions each state allows. Pure: the server decides with it,
// the page filters and labels with the same lists.

export const HYPERVISOR_KINDS = ["qemu", "xen", "uml"] as const;
export type HypervisorKind = (typeof HYPERVISOR_KINDS)[number];

export const GUEST_STATES = ["running", "paused", "shut-off", "crashed", "unknown"] as const;
export type GuestState = (typeof GUEST_STATES)[number];

export const canStart = (s: GuestState) => s === "shut-off" || s === "crashed";
export const canShutdown = (s: GuestState) => s === "running" || s === "paused";
export const canForceStop = (s: GuestState) => s === "running" || s === "paused" || s === "unknown";
export const canReboot = (s: GuestState) => s === "running";
export const canPause = (s: GuestState) => s === "running";
export const canResume = (s: GuestState) => s === "paused";
export const canDelete = (s: GuestState) => s === "shut-off" || s === "crashed";

export const GUEST_ACTIONS = ["start", "shutdown", "force-stop", "reboot", "pause", "resume", "delete"] as const;
export type GuestAction = (typeof GUEST_ACTIONS)[number];

const ALLOWED: Record<GuestAction, (s: GuestState) => boolean> = {
  start: canStart,
  shutdown: canShutdown,
  "force-stop": canForceStop,
  reboot: canReboot,
  pause: canPause,
  resume: canResume,
  delete: canDelete,
};

/** What may be done to a guest in this state; the server refuses the rest, the page greys them. */
export function allowedActions(s: GuestState): GuestAction[] {
  return GUEST_ACTIONS.filter((a) => ALLOWED[a](s));
}

/** The kind a guest has when none is named (the column's default in prisma/schema.prisma). */
export const DEFAULT_HYPERVISOR: HypervisorKind = "qemu";
