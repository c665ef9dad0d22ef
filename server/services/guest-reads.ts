import type { Db } from "../db";
import type { Actor } from "../audit/audit-writer";
import { guestRunFiles } from "../hypervisors/qemu/guest-definition";
import { cmdlineArgv, describeQemuProcess, parsePsQemu, PS_ARGV, type QemuProcess } from "../hypervisors/qemu/process-list";
import { readSerialLogPage, searchSerialLog } from "../console/serial-log-reader";
import type { ExecOptions, SshExecutor, SshTarget } from "../ssh/types";
import { mapLimit, READ_PARALLELISM } from "../concurrency";
import { readFromHost, withHostRead, type HostReadBatch } from "./host-read";
import { hostTarget } from "./host-target";

// Reads about guests that the pages ask for on demand: the serial log's history, its
// search, and the QEMU processes on a host that Labdeck does not manage. Each is one
// person's read: one audit row (withHostRead) with its commands inside.

const MAX_QEMU_CANDIDATES = 64;

export interface GuestReadDeps {
  db: Db;
  ssh: SshExecutor;
  secret: Buffer;
  actor: Actor;
  batch?: HostReadBatch | undefined;
}

/** An executor whose exec goes through readFromHost (audited), for modules written against SshExecutor. */
function auditedExecutor(deps: GuestReadDeps, hostId: string): SshExecutor {
  return {
    ...deps.ssh,
    exec: (_target: SshTarget, argv: readonly string[], opts?: ExecOptions) => readFromHost(deps, hostId, [...argv], opts?.timeoutMs),
  };
}

/** Runs `body` against the guest's serial log as one audited read of its host. */
async function withSerialLog<T>(
  deps: GuestReadDeps,
  guestId: string,
  action: string,
  body: (at: { ssh: SshExecutor; target: SshTarget; path: string }) => Promise<T>,
): Promise<T> {
  const guest = await deps.db.guest.findUniqueOrThrow({ where: { id: guestId }, include: { host: true } });
  const target = await hostTarget(deps.db, deps.secret, guest.hostId);
  return withHostRead(deps, { hostId: guest.hostId, action }, (d) =>
    body({ ssh: auditedExecutor(d, guest.hostId), target, path: guestRunFiles(guest.host.runDir, guest.name).serialLog }),
  );
}

export async function serialLogPage(deps: GuestReadDeps, input: { id: string; before?: number | undefined }) {
  return withSerialLog(deps, input.id, "guest.serial-log", (at) => readSerialLogPage({ ...at, before: input.before }));
}

export async function serialLogSearch(deps: GuestReadDeps, input: { id: string; term: string }) {
  return withSerialLog(deps, input.id, "guest.serial-search", (at) => searchSerialLog({ ...at, term: input.term }));
}

/** QEMU processes on the host whose pidfile is not under Labdeck's guest directories. */
export async function unmanagedQemu(deps: GuestReadDeps, input: { hostId: string }): Promise<QemuProcess[]> {
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: input.hostId } });
  return withHostRead(deps, { hostId: host.id, action: "guest.unmanaged-scan" }, (d) => scanUnmanaged(d, host));
}

async function scanUnmanaged(deps: GuestReadDeps, host: { id: string; runDir: string }): Promise<QemuProcess[]> {
  const ps = await readFromHost(deps, host.id, PS_ARGV);
  // Any user's processes count: the list is capped so a host running (or pretending to run)
  // thousands of QEMUs costs a bounded number of reads.
  const candidates = parsePsQemu(ps.stdout).slice(0, MAX_QEMU_CANDIDATES);
  const procs = await mapLimit(candidates, READ_PARALLELISM, async (candidate) => {
    const cmd = await readFromHost(deps, host.id, cmdlineArgv(candidate.pid));
    if (cmd.exitStatus !== 0) return null; // exited between ps and now
    return describeQemuProcess(candidate, cmd.stdout, host.runDir);
  });
  return procs.filter((p): p is QemuProcess => p !== null && !p.managed);
}
