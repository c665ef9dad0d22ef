// One running follower of a guest's serial log: the fixed script of serial-follow.ts as one
// exec over the host's pooled SSH connection, its stdout split into the header and the log
// bytes after it. Stopping it kills the remote process group (the SSH layer's cancel).
// What must not break: bytes are handed on in the order they arrived and only after the
// header; stderr is kept apart (a message for the log), never mixed into the stream.
import { LabdeckError } from "../errors";
import type { SshExecutor, SshTarget } from "../ssh/types";
import { FollowStreamSplitter, type FollowHeader } from "./serial-follow";

export interface FollowerHandlers {
  onHeader(h: FollowHeader): void;
  onBytes(chunk: Buffer): void;
  /** The log is not there yet (the guest never started); the header comes once it is. */
  onWaiting(): void;
  /** The follower is gone (and will send nothing more); `unreachable` when the host could not be reached. */
  onEnd(why: string, unreachable: boolean): void;
}

const STDERR_KEEP = 400;

export class LogFollower {
  private readonly abort = new AbortController();
  private ended = false;

  /** `argv` is serialFollowArgv's: the header it prints is what the splitter expects. */
  constructor(ssh: SshExecutor, target: SshTarget, argv: readonly string[], h: FollowerHandlers) {
    let stderr = "";
    const splitter = new FollowStreamSplitter(
      (header) => {
        if (!this.ended) h.onHeader(header);
      },
      (chunk) => {
        if (!this.ended) h.onBytes(chunk);
      },
      (why) => this.finish(h, why, false),
      () => {
        if (!this.ended) h.onWaiting();
      },
    );
    ssh
      .exec(target, argv, {
        signal: this.abort.signal,
        onStdout: (chunk) => splitter.push(chunk),
        onStderr: (chunk) => {
          if (stderr.length < STDERR_KEEP) stderr += chunk.toString("utf8").slice(0, STDERR_KEEP - stderr.length);
        },
      })
      .then(
        (res) => {
          const lost = res.outcome === "connection-lost";
          const why = lost
            ? "connection lost"
            : `follower ${res.outcome}${res.exitStatus !== null ? ` (status ${res.exitStatus})` : ""}${stderr ? `: ${stderr.trim()}` : ""}`;
          this.finish(h, why, lost);
        },
        (err: unknown) => {
          const unreachable = err instanceof LabdeckError && err.code === "SSH_UNREACHABLE";
          this.finish(h, err instanceof Error ? err.message : String(err), unreachable || !(err instanceof LabdeckError));
        },
      );
  }

  /** Ends it without telling onEnd (the hub already moved on). */
  stop(): void {
    this.ended = true;
    this.abort.abort();
  }

  private finish(h: FollowerHandlers, why: string, unreachable: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.abort.abort();
    h.onEnd(why, unreachable);
  }
}
