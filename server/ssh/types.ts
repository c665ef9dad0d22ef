import type { Duplex } from "node:stream";

/** What the SSH layer needs to reach one managed host. Built by services from the inventory. */
export interface SshTarget {
  hostId: string;
  name: string;
  address: string;
  port: number;
  username: string;
  /** OpenSSH or PEM private key text, decrypted only in server memory. */
  privateKey: string;
  /** "SHA256:…" as OpenSSH prints it; null means first contact (connections are refused). */
  pinnedFingerprint: string | null;
}

export interface ExecOptions {
  /** Counted from the exec call: waiting for a channel and connecting use it up too. */
  timeoutMs?: number;
  /** Aborting kills the remote command's process group, like a timeout. */
  signal?: AbortSignal;
  stdin?: string | Buffer;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

/**
 * `exited`: the command ended and its status was read. `timeout`/`cancelled`: Labdeck
 * stopped waiting and signalled the command, and the host confirmed it ended. `connection-lost`:
 * the outcome could not be read back (also a stop the host never confirmed); exitStatus is
 * null and callers must report "unknown", never success.
 */
export type ExecOutcome = "exited" | "timeout" | "cancelled" | "connection-lost";

export interface ExecResult {
  outcome: ExecOutcome;
  exitStatus: number | null;
  exitSignal: string | null;
  stdout: string;
  stderr: string;
  /** Whole milliseconds from the exec call (queueing included), as the audit log stores it. */
  durationMs: number;
  /** Set when output exceeded the capture cap: bytes dropped from the start of each stream. */
  truncated?: { stdout: number; stderr: number };
}

export interface HostKeyInfo {
  fingerprint: string;
  algorithm: string;
}

export interface SshExecutor {
  exec(target: SshTarget, argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  openStreamLocal(target: SshTarget, socketPath: string): Promise<Duplex>;
  fetchHostKey(address: string, port: number): Promise<HostKeyInfo>;
  drop(hostId: string): void;
  closeAll(): Promise<void>;
}
