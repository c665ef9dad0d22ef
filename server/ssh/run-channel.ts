// One command on one open connection: stream and capture its output, read its exit status,
// and on timeout or cancel kill its whole remote process group before reporting. The rule
// that must not break: only an exit status actually read from the host makes an "exited"
// outcome; a channel or connection that closes without one is "connection-lost".
import type { ClientChannel } from "ssh2";
import { LabdeckError } from "../errors";
import { logger } from "../logger";
import type { HostConnection } from "./connect";
import type { ExecStop } from "./exec-stop";
import { PidMarkerFilter, remoteCommand } from "./pid-marker";
import { quoteArgv } from "./quote";
import { TailBuffer } from "./tail-buffer";
import type { ExecOptions, ExecResult } from "./types";

export type ChannelAttempt =
  /** The command was sent; this is what became of it. */
  | { kind: "done"; result: ExecResult }
  /** The server refused to open a channel (usually MaxSessions): nothing was sent. */
  | { kind: "refused"; description: string }
  /** The connection went away before the channel opened: nothing was sent. */
  | { kind: "not-sent" };

export interface RunOnChannelArgs {
  conn: HostConnection;
  hostName: string;
  argv: readonly string[];
  opts: ExecOptions;
  stop: ExecStop;
  startedAt: number;
  maxOutputBytes: number;
  killGraceMs: number;
  /** Runs the kill on another channel (or connection); resolves when it has run or given up. */
  killProcessGroup: (pgid: number) => Promise<void>;
  /** Told when the server confirms the channel and when it is gone, for the channel gate. */
  onOpen: () => void;
  onClose: () => void;
}

type Ssh2ChannelError = Error & { reason?: number | string };

// A streaming consumer that throws must not take the process down from inside ssh2's
// event handlers, nor lose the command's result.
function deliver(fn: ((chunk: Buffer) => void) | undefined, chunk: Buffer): void {
  if (fn === undefined) return;
  try {
    fn(chunk);
  } catch (e) {
    logger.warn({ module: "ssh", err: e instanceof Error ? e.message : String(e) }, "output callback threw");
  }
}

/** ssh2 reports CHANNEL_OPEN_FAILURE with a numeric reason; everything else lacks one. */
function isOpenRefusal(err: Ssh2ChannelError): boolean {
  return typeof err.reason === "number";
}

// ssh2 fails channels still waiting for their open confirmation with this message when the
// socket closes; a channel in that state never carried our command.
function closedBeforeOpen(err: Ssh2ChannelError): boolean {
  return err.message === "No response from server";
}

export function runOnChannel(a: RunOnChannelArgs): Promise<ChannelAttempt> {
  const command = remoteCommand(a.argv);
  return new Promise<ChannelAttempt>((resolve, reject) => {
    const stdout = new TailBuffer(a.maxOutputBytes);
    const stderr = new TailBuffer(a.maxOutputBytes);
    let channel: ClientChannel | null = null;
    // Set once the exec request may have reached the host; from then on there is a result.
    let sent = false;
    let pgid: number | null = null;
    let exit: { status: number | null; signal: string | null } | null = null;
    // A command whose exit status arrived before the timeout or cancel simply finished.
    let exitedFirst = false;
    let stopping = false;
    let kill: Promise<void> | null = null;
    let finished = false;
    let graceTimer: NodeJS.Timeout | undefined;
    // The host never confirmed the stop (no exit status, no close) within the grace: the
    // connection is silent or the command would not die, so its fate is unknown.
    let unconfirmed = false;

    const filter = new PidMarkerFilter(
      (chunk) => {
        stderr.push(chunk);
        deliver(a.opts.onStderr, chunk);
      },
      (pid) => {
        pgid = pid;
        if (stopping) sendKill();
      },
    );

    const unsubscribeClose = a.conn.onClose(() => finish());
    const onStop = () => beginStop();
    a.stop.signal.addEventListener("abort", onStop, { once: true });

    function finish(): void {
      if (finished || !sent) return;
      finished = true;
      if (channel !== null) a.onClose();
      clearTimeout(graceTimer);
      unsubscribeClose();
      a.stop.signal.removeEventListener("abort", onStop);
      filter.end();
      const outcome = exitedFirst
        ? "exited"
        : unconfirmed && exit === null
          ? "connection-lost"
          : (a.stop.reason ?? (exit !== null ? "exited" : "connection-lost"));
      const result: ExecResult = {
        outcome,
        exitStatus: exit?.status ?? null,
        exitSignal: exit?.signal ?? null,
        stdout: stdout.toString(),
        stderr: stderr.toString(),
        durationMs: Math.round(performance.now() - a.startedAt),
      };
      if (stdout.dropped > 0 || stderr.dropped > 0) {
        result.truncated = { stdout: stdout.dropped, stderr: stderr.dropped };
      }
      // Report only after the kill has run, so "timeout" means the command is gone, not going.
      if (kill === null) resolve({ kind: "done", result });
      else void kill.finally(() => resolve({ kind: "done", result }));
    }

    function sendKill(): void {
      if (kill !== null || pgid === null) return;
      kill = a.killProcessGroup(pgid);
    }

    function beginStop(): void {
      if (channel === null || stopping || finished || exitedFirst) return;
      stopping = true;
      if (pgid !== null) sendKill();
      else channel.signal("KILL");
      // The kill normally closes the channel within milliseconds; if the host never answers,
      // stop waiting for it rather than hang the caller.
      graceTimer = setTimeout(() => {
        unconfirmed = true;
        channel?.close();
        finish();
      }, a.killGraceMs);
    }

    const onChannel = (err: Ssh2ChannelError | undefined, ch: ClientChannel) => {
      if (err !== undefined) {
        if (isOpenRefusal(err) && !a.conn.closed) {
          unsubscribeClose();
          a.stop.signal.removeEventListener("abort", onStop);
          resolve({ kind: "refused", description: err.message });
          return;
        }
        if (isOpenRefusal(err) || closedBeforeOpen(err)) {
          unsubscribeClose();
          a.stop.signal.removeEventListener("abort", onStop);
          resolve({ kind: "not-sent" });
          return;
        }
        if (a.conn.closed) {
          // The exec request may have reached the host: the outcome is unknown, never "not run".
          sent = true;
          finish();
          return;
        }
        unsubscribeClose();
        a.stop.signal.removeEventListener("abort", onStop);
        reject(new LabdeckError("SSH_UNREACHABLE", `sshd on ${a.hostName} refused to run the command: ${err.message}`));
        return;
      }
      channel = ch;
      sent = true;
      a.onOpen();
      ch.on("data", (chunk: Buffer) => {
        stdout.push(chunk);
        deliver(a.opts.onStdout, chunk);
      });
      ch.stderr.on("data", (chunk: Buffer) => filter.push(chunk));
      ch.on("exit", (status: number | null, signal?: string) => {
        exit = { status: typeof status === "number" ? status : null, signal: signal ?? null };
        exitedFirst = !stopping;
      });
      ch.on("close", () => finish());
      ch.on("error", () => undefined);
      if (a.conn.closed) {
        finish();
        return;
      }
      if (a.opts.stdin !== undefined) ch.end(a.opts.stdin);
      else ch.end();
      if (a.stop.reason !== null) beginStop();
    };

    if (a.conn.closed) {
      resolve({ kind: "not-sent" });
      return;
    }
    try {
      a.conn.client.exec(command, onChannel);
    } catch {
      // ssh2 throws "Not connected" synchronously once the socket is no longer writable.
      unsubscribeClose();
      a.stop.signal.removeEventListener("abort", onStop);
      resolve({ kind: "not-sent" });
    }
  });
}

export type ControlStatus = "ok" | "refused" | "gone";

/**
 * A short command of Labdeck's own (the kill after a timeout) on an existing connection. It
 * bypasses the channel cap, because the channel it is meant to end may hold the last slot.
 * "refused" means the server has no session to spare on this connection.
 */
export function runControl(conn: HostConnection, argv: readonly string[], budgetMs: number): Promise<ControlStatus> {
  const command = quoteArgv(argv);
  return new Promise<ControlStatus>((resolve) => {
    if (conn.closed) {
      resolve("gone");
      return;
    }
    const timer = setTimeout(() => resolve("gone"), budgetMs);
    try {
      conn.client.exec(command, (err: Ssh2ChannelError | undefined, ch: ClientChannel) => {
        if (err !== undefined) {
          clearTimeout(timer);
          resolve(isOpenRefusal(err) ? "refused" : "gone");
          return;
        }
        ch.on("close", () => {
          clearTimeout(timer);
          resolve("ok");
        });
        ch.on("error", () => undefined);
        ch.resume();
        ch.stderr.resume();
        ch.end();
      });
    } catch {
      clearTimeout(timer);
      resolve("gone");
    }
  });
}
