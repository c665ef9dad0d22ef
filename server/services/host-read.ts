import type { Db } from "../db";
import { auditCommand, auditOutcome, auditRead, type Actor, type TReadCommand } from "../audit/audit-writer";
import type { ExecResult, SshExecutor, SshTarget } from "../ssh/types";
import { hostTarget } from "./host-target";
import { requireConfirmedHostKey } from "./host-identity";

// A read of a host outside any job (listing, parsing state). It makes no plan, but every
// command still lands in the audit log before its result is returned. Inside withHostRead
// the commands of one read (a page opened, a refresh, a preview) are collected and written
// as ONE row when the read ends, still before its result is returned; a lone readFromHost
// outside a batch writes its own command row as before.

export interface ReadDeps {
  db: Db;
  ssh: SshExecutor;
  secret: Buffer;
  actor: Actor;
  /** Set by withHostRead: commands join this read's row instead of writing their own. */
  batch?: HostReadBatch | undefined;
  /** The host's target when the caller built it from a row it already loaded (one unseal per use case). */
  target?: SshTarget | undefined;
}

export interface ReadOptions {
  timeoutMs?: number;
  purpose?: string;
  /**
   * The host may lack this file or tool: a non-zero exit is recorded as "absent", not
   * failed. A function decides from the result (a missing root is absent, an unreadable
   * one is not).
   */
  optional?: boolean | ((r: ExecResult) => boolean);
}

export interface HostReadBatch {
  hostId: string;
  /** In the order the commands were started; null while one still runs. */
  commands: (TReadCommand | null)[];
  /** Commands still running: the row waits for them, so none ends unaudited. */
  running: Set<Promise<unknown>>;
}

const OPTIONAL_NOTE = "optional: a non-zero exit means the host has no such file or tool";

function output(r: ExecResult): string {
  return r.stdout + (r.stderr ? `\n[stderr]\n${r.stderr}` : "");
}

function isOptional(opts: ReadOptions, r: ExecResult): boolean {
  return typeof opts.optional === "function" ? opts.optional(r) : opts.optional === true;
}

export function readCommandOf(argv: string[], r: ExecResult, opts: ReadOptions = {}): TReadCommand {
  const outcome = auditOutcome(r, { optional: isOptional(opts, r) });
  return {
    argv,
    ...(opts.purpose ? { purpose: opts.purpose } : {}),
    exitStatus: r.exitStatus,
    outcome,
    durationMs: r.durationMs,
    output: output(r),
    ...(outcome === "absent" ? { note: OPTIONAL_NOTE } : {}),
  };
}

export async function readFromHost(
  deps: ReadDeps,
  hostId: string,
  argv: string[],
  options: number | ReadOptions = {},
): Promise<ExecResult> {
  const opts: ReadOptions = typeof options === "number" ? { timeoutMs: options } : options;
  const target = deps.target?.hostId === hostId ? deps.target : await hostTarget(deps.db, deps.secret, hostId);
  requireConfirmedHostKey({ name: target.name, hostKeyFingerprint: target.pinnedFingerprint });
  const batch = deps.batch?.hostId === hostId ? deps.batch : undefined;
  if (batch) {
    const slot = batch.commands.push(null) - 1;
    const run = deps.ssh.exec(target, argv, { timeoutMs: opts.timeoutMs ?? 20_000 });
    batch.running.add(run);
    try {
      const result = await run;
      batch.commands[slot] = readCommandOf(argv, result, opts);
      return result;
    } catch (err) {
      batch.commands[slot] = {
        argv,
        exitStatus: null,
        outcome: "failed",
        durationMs: 0,
        output: "",
        note: `not run: ${err instanceof Error ? err.message : String(err)}`,
      };
      throw err;
    } finally {
      batch.running.delete(run);
    }
  }
  const result = await deps.ssh.exec(target, argv, { timeoutMs: opts.timeoutMs ?? 20_000 });
  await auditCommand(deps.db, deps.actor, {
    hostId,
    hostName: target.name,
    jobId: null,
    argv,
    exitStatus: result.exitStatus,
    outcome: auditOutcome(result, { optional: isOptional(opts, result) }),
    durationMs: result.durationMs,
    output: output(result),
  });
  return result;
}

/**
 * A read that is not a command (a QMP call on a guest's monitor socket, a channel): it
 * joins the row of the read it is part of. Outside a batch it writes nothing, as the
 * pages' query-status polling writes nothing: a channel read changes nothing on the host.
 */
export function noteChannelRead(deps: ReadDeps, hostId: string, command: TReadCommand): void {
  if (deps.batch?.hostId === hostId) deps.batch.commands.push(command);
}

/**
 * One audited read of a host: every readFromHost(readDeps, hostId, …) inside `body` joins
 * one row (kind "read", the commands in its details), awaited before the result or the
 * error is handed back. A read that throws is still recorded, with the error.
 */
export async function withHostRead<T, D extends ReadDeps>(
  deps: D,
  opts: { hostId: string; action: string },
  body: (readDeps: D) => Promise<T>,
): Promise<T> {
  if (deps.batch?.hostId === opts.hostId) return body(deps);
  const batch: HostReadBatch = { hostId: opts.hostId, commands: [], running: new Set() };
  let result: T;
  try {
    result = await body({ ...deps, batch });
  } catch (err) {
    await recordRead(deps, opts, batch, err instanceof Error ? err.message : String(err));
    throw err;
  }
  await recordRead(deps, opts, batch);
  return result;
}

/** What a collected read gives back: its value or error, and every command it ran. */
export type CollectedRead<T> = { ok: true; value: T; commands: TReadCommand[] } | { ok: false; error: unknown; commands: TReadCommand[] };

/**
 * A read whose commands are collected but not written: for the shared background refresh,
 * which decides itself whether the read earns a summary row (see network-live.ts). Every
 * other read of a host goes through withHostRead.
 */
export async function collectHostRead<T, D extends ReadDeps>(
  deps: D,
  hostId: string,
  body: (readDeps: D) => Promise<T>,
): Promise<CollectedRead<T>> {
  const batch: HostReadBatch = { hostId, commands: [], running: new Set() };
  try {
    const value = await body({ ...deps, batch });
    return { ok: true, value, commands: await settled(batch) };
  } catch (error) {
    return { ok: false, error, commands: await settled(batch) };
  }
}

async function settled(batch: HostReadBatch): Promise<TReadCommand[]> {
  // A body that failed early (Promise.all rejects at the first error) may leave commands
  // running on the host: wait for them, so the row holds every command that ran.
  await Promise.allSettled([...batch.running]);
  return batch.commands.filter((c): c is TReadCommand => c !== null);
}

async function recordRead(deps: ReadDeps, opts: { hostId: string; action: string }, batch: HostReadBatch, error?: string): Promise<void> {
  const commands = await settled(batch);
  // A read refused before any command ran (unknown host key, no such host) touched nothing.
  if (commands.length === 0) return;
  const host = await deps.db.host.findUnique({ where: { id: opts.hostId }, select: { name: true } });
  await auditRead(deps.db, deps.actor, {
    hostId: opts.hostId,
    hostName: host?.name ?? opts.hostId,
    action: opts.action,
    commands,
    ...(error ? { error } : {}),
  });
}
