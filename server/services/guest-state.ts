import type { Db } from "../db";
import type { Actor } from "../audit/audit-writer";
import { LabdeckError } from "../errors";
import { allowedActions, guestRunFiles, type GuestAction, type GuestState } from "../hypervisors/qemu/guest-definition";
import { normaliseGuestState, parsePidfileCheck, pidfileCheckArgv, QUERY_STATUS } from "../hypervisors/qemu/guest-state";
import { connectQmp, type QmpStatus } from "../hypervisors/qemu/qmp";
import type { SshExecutor } from "../ssh/types";
import { mapLimit, READ_PARALLELISM } from "../concurrency";
import { targetOfHost } from "./host-target";
import { readFromHost } from "./host-read";
import { requireConfirmedHostKey } from "./host-identity";

// A guest's state for the pages, which poll it. A live QEMU answers query-status on its
// monitor socket (a channel, not a command, so polling adds nothing to the audit log).
// When no monitor answers, the pidfile is checked with an audited command, but only when
// the guest was not already known to be off: a stopped guest costs nothing to watch.

export interface GuestStateView {
  state: GuestState;
  detail: string;
  at: number;
  /** The lifecycle actions this state allows (allowedActions), so the page needs no copy of the rules. */
  actions: GuestAction[];
}

export interface GuestStateDeps {
  db: Db;
  ssh: SshExecutor;
  secret: Buffer;
  actor: Actor;
}

const QMP_TIMEOUT_MS = 3000;
const g = globalThis as unknown as { labdeckGuestStates?: Map<string, GuestStateView> };
const cache: Map<string, GuestStateView> = (g.labdeckGuestStates ??= new Map());

/** The states this process has read, by guest id: what the list may filter and sort by. */
export function knownGuestStates(): ReadonlyMap<string, GuestState> {
  return new Map([...cache].map(([id, v]) => [id, v.state]));
}

/** After an action the next read must look again rather than trust what it saw before. */
export function forgetGuestState(guestId: string): void {
  cache.delete(guestId);
}

async function queryStatus(
  ssh: SshExecutor,
  target: Parameters<SshExecutor["openStreamLocal"]>[0],
  socket: string,
): Promise<QmpStatus | null> {
  let stream;
  try {
    stream = await ssh.openStreamLocal(target, socket);
  } catch (err) {
    if (err instanceof LabdeckError && err.code === "NOT_FOUND") return null;
    throw err;
  }
  const client = await connectQmp(stream, { timeoutMs: QMP_TIMEOUT_MS });
  try {
    return await client.execute<QmpStatus>(QUERY_STATUS, undefined, { timeoutMs: QMP_TIMEOUT_MS });
  } finally {
    client.close();
  }
}

export async function readGuestState(deps: GuestStateDeps, guestId: string, opts: { fresh?: boolean } = {}): Promise<GuestStateView> {
  const guest = await deps.db.guest.findUniqueOrThrow({ where: { id: guestId }, include: { host: true } });
  const files = guestRunFiles(guest.host.runDir, guest.name);
  let view: Omit<GuestStateView, "actions">;
  try {
    requireConfirmedHostKey(guest.host);
    const target = targetOfHost(deps.secret, guest.host);
    const pidfileRead = () => readFromHost({ ...deps, target }, guest.hostId, pidfileCheckArgv(files));
    // A fresh read (right before an action) asks the pidfile at the same time as the
    // monitor, one round trip instead of two; the answer is used only if QMP is silent.
    const early = opts.fresh ? pidfileRead() : null;
    early?.catch(() => undefined);
    const status = await queryStatus(deps.ssh, target, files.qmpSocket).catch((err: unknown) => {
      if (err instanceof LabdeckError) throw err;
      return { status: "", running: false, failed: err instanceof Error ? err.message : String(err) };
    });
    if (status && !("failed" in status)) {
      await early?.catch(() => undefined); // audited either way; not needed now
      view = {
        state: normaliseGuestState({ pidfileAlive: true, qmpStatus: status.status }),
        detail: `QMP: ${status.status}`,
        at: Date.now(),
      };
    } else {
      const known = cache.get(guestId);
      if (!opts.fresh && known?.state === "shut-off") return known;
      const check = parsePidfileCheck(await (early ?? pidfileRead()));
      const qmpProblem = status && "failed" in status ? status.failed : "no monitor socket";
      view = {
        state: normaliseGuestState({ pidfileAlive: check.alive, qmpStatus: null, qmpError: qmpProblem }),
        detail:
          check.alive === false
            ? "no QEMU process"
            : check.alive
              ? `QEMU ${check.pid ?? "?"} alive but its monitor does not answer (${qmpProblem})`
              : "could not check the pidfile",
        at: Date.now(),
      };
    }
  } catch (err) {
    view = { state: "unknown", detail: err instanceof Error ? err.message : String(err), at: Date.now() };
  }
  const full = { ...view, actions: allowedActions(view.state) };
  cache.set(guestId, full);
  return full;
}

export async function readGuestStates(deps: GuestStateDeps, guestIds: readonly string[]): Promise<Record<string, GuestStateView>> {
  // Deduplicated: the same id twice would read the guest twice for one answer.
  const ids = [...new Set(guestIds)];
  const entries = await mapLimit(ids, READ_PARALLELISM, async (id) => [id, await readGuestState(deps, id)] as const);
  return Object.fromEntries(entries);
}
