// The SSH layer's front door: one pooled connection per managed host, commands as argv,
// host keys pinned. Every command on every host passes here, so two promises must hold:
// a host whose key is unknown or changed gets nothing (not even a login attempt), and an
// exec only reports "exited" with a status read from the host; anything it cannot read
// back is "connection-lost" and callers must treat it as unknown.
import { createHash } from "node:crypto";
import type { Duplex } from "node:stream";
import { badInput, LabdeckError } from "../errors";
import { logger } from "../logger";
import { ChannelGate } from "./channel-gate";
import { connect, fetchHostKey, type ConnectOptions, type HostConnection } from "./connect";
import { abortableSleep, ExecStop, stoppedBeforeStart, unlessAborted } from "./exec-stop";
import { quoteArgv } from "./quote";
import { runControl, runOnChannel, type ChannelAttempt } from "./run-channel";
import { checkSocketPath, openStreamLocalOn } from "./stream-local";
import type { ExecOptions, ExecResult, HostKeyInfo, SshExecutor, SshTarget } from "./types";

const log = logger.child({ module: "ssh" });

export interface SshPoolOptions {
  /** Exec channels open at once per host; more wait in a queue. Keep below sshd's MaxSessions (10). */
  maxChannelsPerHost?: number;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Per stream; beyond it the start of the output is dropped and `truncated` says how much. */
  maxOutputBytes?: number;
  /** After a timeout or cancel, how long to wait for the killed command's channel to close. */
  killGraceMs?: number;
}

export interface HostChannelStats {
  connected: boolean;
  inUse: number;
  queued: number;
  limit: number;
}

interface HostEntry {
  paramsKey: string;
  gate: ChannelGate;
  conn: HostConnection | null;
  connecting: Promise<HostConnection> | null;
}

// A server that refuses channels while none of ours are open is not just busy.
const MAX_LONELY_REFUSALS = 5;
// A connection that drops before each channel opens twice in a row is not worth a third try.
const MAX_RECONNECTS = 2;

function paramsKey(t: SshTarget): string {
  return createHash("sha256")
    .update(JSON.stringify([t.address, t.port, t.username, t.privateKey, t.pinnedFingerprint]))
    .digest("base64");
}

export class SshPool implements SshExecutor {
  private readonly hosts = new Map<string, HostEntry>();
  private readonly maxChannels: number;
  private readonly connectOptions: ConnectOptions;
  private readonly maxOutputBytes: number;
  private readonly killGraceMs: number;

  private readonly dropListeners = new Set<(hostId: string) => void>();

  constructor(options: SshPoolOptions = {}) {
    this.maxChannels = options.maxChannelsPerHost ?? 8;
    if (!Number.isInteger(this.maxChannels) || this.maxChannels < 1) {
      throw badInput("maxChannelsPerHost", "must be a positive integer");
    }
    this.connectOptions = {
      readyTimeoutMs: options.readyTimeoutMs ?? 15_000,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? 10_000,
      keepaliveCountMax: options.keepaliveCountMax ?? 3,
    };
    this.maxOutputBytes = options.maxOutputBytes ?? 4 * 1024 * 1024;
    this.killGraceMs = options.killGraceMs ?? 5_000;
  }

  async exec(target: SshTarget, argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    // Refuses bad argv (empty, NUL) before anything is queued or any connection is opened.
    quoteArgv(argv);
    const startedAt = performance.now();
    const stop = new ExecStop(opts);
    try {
      return await this.execUntilDone(target, argv, opts, stop, startedAt);
    } finally {
      stop.dispose();
    }
  }

  private async execUntilDone(
    target: SshTarget,
    argv: readonly string[],
    opts: ExecOptions,
    stop: ExecStop,
    startedAt: number,
  ): Promise<ExecResult> {
    const entry = this.entryFor(target);
    let lonelyRefusals = 0;
    let reconnects = 0;
    for (let attemptNo = 0; ; attemptNo++) {
      if (!(await entry.gate.acquire(stop.signal))) return stoppedBeforeStart(stop, startedAt);
      let attempt: ChannelAttempt;
      let othersOpen = 0;
      try {
        const conn = await unlessAborted(this.connection(entry, target), stop.signal);
        if (conn === null) return stoppedBeforeStart(stop, startedAt);
        attempt = await runOnChannel({
          conn,
          hostName: target.name,
          argv,
          opts,
          stop,
          startedAt,
          maxOutputBytes: this.maxOutputBytes,
          killGraceMs: this.killGraceMs,
          killProcessGroup: (pgid) => this.killProcessGroup(conn, target, pgid),
          onOpen: () => entry.gate.channelOpened(),
          onClose: () => entry.gate.channelClosed(),
        });
        othersOpen = entry.gate.inUse - 1;
        if (attempt.kind === "refused" && othersOpen > 0) entry.gate.learnServerLimit();
      } finally {
        entry.gate.release();
      }
      if (attempt.kind === "done") return attempt.result;
      if (stop.reason !== null) return stoppedBeforeStart(stop, startedAt);
      if (attempt.kind === "not-sent") {
        if (++reconnects > MAX_RECONNECTS) {
          throw new LabdeckError("SSH_UNREACHABLE", `the connection to ${target.name} keeps dropping; nothing was run`);
        }
        continue;
      }
      if (othersOpen === 0 && ++lonelyRefusals >= MAX_LONELY_REFUSALS) {
        throw new LabdeckError(
          "SSH_UNREACHABLE",
          `sshd on ${target.name} refuses to open a session (${attempt.description}); nothing was run`,
        );
      }
      log.debug({ host: target.name, othersOpen, limit: entry.gate.limit }, "channel refused; queued again");
      await abortableSleep(Math.min(10 * 2 ** Math.min(attemptNo, 5), 250), stop.signal);
    }
  }

  private async killProcessGroup(conn: HostConnection, target: SshTarget, pgid: number): Promise<void> {
    const argv = ["kill", "-KILL", "--", `-${pgid}`];
    if ((await runControl(conn, argv, this.killGraceMs)) !== "refused") return;
    // sshd keeps a session (and its MaxSessions slot) until the session's command exits, so
    // when our own commands hold them all, only a second connection can deliver the kill.
    let side: HostConnection | null = null;
    try {
      side = await connect(target, this.connectOptions);
      await runControl(side, argv, this.killGraceMs);
    } catch (e) {
      const err = e instanceof Error ? e.message : String(e);
      log.warn({ host: target.name, pgid, err }, "could not kill a stopped command");
    } finally {
      await side?.end();
    }
  }

  async openStreamLocal(target: SshTarget, socketPath: string): Promise<Duplex> {
    checkSocketPath(socketPath);
    return openStreamLocalOn(await this.connection(this.entryFor(target), target), target.name, socketPath);
  }

  fetchHostKey(address: string, port: number): Promise<HostKeyInfo> {
    return fetchHostKey(address, port, this.connectOptions);
  }

  /**
   * Calls `listener` with the host's id on every drop(): the host's address, user, key or pin
   * changed, or the host is gone, so whoever keeps its SSH target (a running job) reads it
   * anew. Returns the unsubscribe.
   */
  onDrop(listener: (hostId: string) => void): () => void {
    this.dropListeners.add(listener);
    return () => this.dropListeners.delete(listener);
  }

  drop(hostId: string): void {
    for (const l of this.dropListeners) l(hostId);
    const entry = this.hosts.get(hostId);
    if (entry === undefined) return;
    this.hosts.delete(hostId);
    void entry.conn?.end();
  }

  async closeAll(): Promise<void> {
    const entries = [...this.hosts.values()];
    this.hosts.clear();
    await Promise.all(
      entries.map(async (e) => {
        await e.conn?.end();
        const late = await e.connecting?.catch(() => null);
        await late?.end();
      }),
    );
  }

  /** Channel use of one host, for diagnostics and tests; null if the pool has never seen it. */
  stats(hostId: string): HostChannelStats | null {
    const e = this.hosts.get(hostId);
    if (e === undefined) return null;
    return {
      connected: e.conn !== null && !e.conn.closed,
      inUse: e.gate.inUse,
      queued: e.gate.queued,
      limit: e.gate.limit,
    };
  }

  private entryFor(target: SshTarget): HostEntry {
    const key = paramsKey(target);
    const existing = this.hosts.get(target.hostId);
    if (existing !== undefined && existing.paramsKey === key) return existing;
    if (existing !== undefined) {
      if (existing.conn !== null) log.info({ host: target.name }, "connection parameters changed; reconnecting");
      this.drop(target.hostId);
    }
    const entry: HostEntry = { paramsKey: key, gate: new ChannelGate(this.maxChannels), conn: null, connecting: null };
    this.hosts.set(target.hostId, entry);
    return entry;
  }

  private connection(entry: HostEntry, target: SshTarget): Promise<HostConnection> {
    if (entry.conn !== null && !entry.conn.closed) return Promise.resolve(entry.conn);
    if (this.hosts.get(target.hostId) !== entry) {
      // Queued behind a drop() or a change of address, key or pinned fingerprint: the
      // parameters this exec was given are no longer the host's, so it must not run.
      return Promise.reject(new LabdeckError("SSH_UNREACHABLE", `the connection to ${target.name} was dropped; nothing was run`));
    }
    if (entry.connecting !== null) return entry.connecting;
    const connecting = connect(target, this.connectOptions).then(async (conn) => {
      if (this.hosts.get(target.hostId) !== entry) {
        await conn.end();
        throw new LabdeckError("SSH_UNREACHABLE", `the connection to ${target.name} was dropped; nothing was run`);
      }
      entry.conn = conn;
      entry.gate.resetLearnedLimit();
      log.debug({ host: target.name, address: target.address }, "ssh connected");
      conn.onClose(() => {
        if (entry.conn === conn) entry.conn = null;
        log.debug({ host: target.name }, "ssh connection closed");
      });
      return conn;
    });
    entry.connecting = connecting;
    const clear = () => {
      if (entry.connecting === connecting) entry.connecting = null;
    };
    connecting.then(clear, clear);
    return connecting;
  }
}
