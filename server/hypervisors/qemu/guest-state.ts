// One normalised guest state from the two things a host can tell us: whether the QEMU
// process named by the pidfile is alive, and QMP's query-status. What must not break: a
// guest is "shut-off" only when the process is known to be gone; anything Labdeck could
// not read is "unknown", never a guess.
import type { GuestState } from "../../../lib/guest-states";
import { LabdeckError } from "../../errors";
import type { GuestIo, StateReading } from "../contract";
import type { GuestRunFiles } from "./guest-definition";
import { connectQmp, type QmpStatus } from "./qmp";

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

const QMP_TIMEOUT_MS = 3000;

/** query-status on the monitor socket; null when nothing listens there (QEMU is not running). */
async function queryStatus(io: GuestIo, socket: string): Promise<QmpStatus | null> {
  const stream = await io.openSocket(socket);
  if (stream === null) return null;
  const client = await connectQmp(stream, { timeoutMs: QMP_TIMEOUT_MS });
  try {
    return await client.execute<QmpStatus>(QUERY_STATUS, undefined, { timeoutMs: QMP_TIMEOUT_MS });
  } finally {
    client.close();
  }
}

/**
 * A live QEMU answers query-status on its monitor (a channel, not a command: polling adds
 * nothing to the audit log). When no monitor answers, the pidfile is checked with an
 * audited command, unless the caller last saw the guest shut off ("unchanged"): a stopped
 * guest costs nothing to watch. A fresh read (right before an action) asks the pidfile at
 * the same time as the monitor, one round trip instead of two.
 */
export async function readQemuState(
  io: GuestIo,
  files: GuestRunFiles,
  o: { fresh: boolean; knownOff: boolean },
): Promise<StateReading | "unchanged"> {
  const pidfileRead = () => io.read({ argv: pidfileCheckArgv(files), purpose: "is the guest's QEMU alive (its pidfile)" });
  const early = o.fresh ? pidfileRead() : null;
  early?.catch(() => undefined);
  const status = await queryStatus(io, files.qmpSocket).catch((err: unknown) => {
    if (err instanceof LabdeckError) throw err;
    return { status: "", running: false, failed: err instanceof Error ? err.message : String(err) };
  });
  if (status && !("failed" in status)) {
    await early?.catch(() => undefined); // audited either way; not needed now
    return { state: normaliseGuestState({ pidfileAlive: true, qmpStatus: status.status }), detail: `QMP: ${status.status}` };
  }
  if (!o.fresh && o.knownOff) return "unchanged";
  const check = parsePidfileCheck(await (early ?? pidfileRead()));
  const qmpProblem = status && "failed" in status ? status.failed : "no monitor socket";
  return {
    state: normaliseGuestState({ pidfileAlive: check.alive, qmpStatus: null, qmpError: qmpProblem }),
    detail:
      check.alive === false
        ? "no QEMU process"
        : check.alive
          ? `QEMU ${check.pid ?? "?"} alive but its monitor does not answer (${qmpProblem})`
          : "could not check the pidfile",
  };
}
