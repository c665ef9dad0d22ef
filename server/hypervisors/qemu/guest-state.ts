// One normalised guest state from the two things a host can tell us: whether the QEMU
// process named by the pidfile is alive, and QMP's query-status. What must not break: a
// guest is "shut-off" only when the process is known to be gone; anything Labdeck could
// not read is "unknown", never a guess.
import type { GuestRunFiles, GuestState } from "./guest-definition";

export interface GuestStateInputs {
  /** true: alive; false: no process holds the pidfile (absent or stale); null: not read. */
  pidfileAlive: boolean | null;
  /** query-status's "status", or null when QMP could not be asked. */
  qmpStatus: string | null;
  qmpError?: string;
}

// QEMU's RunState values (qapi/run-state.json) by what the user can do with the guest.
const PAUSED = new Set([
  "paused",
  "suspended",
  "prelaunch",
  "inmigrate",
  "postmigrate",
  "finish-migrate",
  "save-vm",
  "restore-vm",
  "debug",
  "watchdog",
]);
const CRASHED = new Set(["guest-panicked", "internal-error", "io-error"]);

export function normaliseGuestState(i: GuestStateInputs): GuestState {
  if (i.pidfileAlive === false) return "shut-off";
  if (i.qmpStatus === null) return "unknown";
  if (i.qmpStatus === "running" || i.qmpStatus === "colo") return "running";
  if (PAUSED.has(i.qmpStatus)) return "paused";
  if (CRASHED.has(i.qmpStatus)) return "crashed";
  // QEMU only stays alive in "shutdown" with -no-shutdown; the guest is off either way.
  if (i.qmpStatus === "shutdown") return "shut-off";
  return "unknown";
}

/**
 * argv that exits 0 when a live QEMU holds the pidfile and 1 when not. -L makes pgrep
 * require the pidfile to be locked: QEMU keeps it locked while it runs, so a pidfile left
 * behind by a killed QEMU (whose PID may since belong to another process) reads as gone.
 */
export function pidfileCheckArgv(files: Pick<GuestRunFiles, "pidfile">): string[] {
  return ["pgrep", "-L", "-F", files.pidfile];
}

/** pgrep's exit status: 0 alive, 1 none; 2/3 or no status (connection lost) are not knowledge. */
export function parsePidfileCheck(r: { exitStatus: number | null; stdout: string }): { alive: boolean | null; pid: number | null } {
  if (r.exitStatus === 0) {
    const pid = Number.parseInt(r.stdout.trim().split("\n")[0] ?? "", 10);
    return { alive: true, pid: Number.isFinite(pid) ? pid : null };
  }
  if (r.exitStatus === 1) return { alive: false, pid: null };
  return { alive: null, pid: null };
}

/** The QMP command whose answer's `status` field feeds qmpStatus. */
export const QUERY_STATUS = "query-status";
