// The console hub's contract: what it is given (resolver, boot source, audit) and what its
// viewers are told, in which order. Implementation: console-hub.ts.
import type { SshExecutor, SshTarget } from "../ssh/types";
import type { BootMark, BootSource } from "./console-boots";
import type { LogPosition } from "./serial-follow";

export const CONSOLE_STATES = ["connecting", "live", "guest-not-running", "host-unreachable"] as const;
export type ConsoleState = (typeof CONSOLE_STATES)[number];

export interface ConsoleEndpoint {
  target: SshTarget;
  socketPath: string;
  serialLog: string;
}

export type ConsoleResolver = (guestId: string) => Promise<ConsoleEndpoint>;

/** The viewer on whose behalf a follower is started (its command is audited as theirs). */
export interface ConsoleActor {
  userId: string | null;
  username: string;
}

/**
 * Writes the audit row of a follower about to start; it starts only once this resolved (a
 * failure counts as a failed start and is retried).
 */
export type ConsoleFollowAudit = (o: { guestId: string; target: SshTarget; argv: string[]; actor: ConsoleActor }) => Promise<void>;

/** Where the following data frames begin, and how that relates to what the viewer had. */
export interface StreamStart {
  position: LogPosition;
  /** Exactly where the viewer asked to resume (or a seamless continuation). */
  resumed: boolean;
  /** Bytes the viewer will not see (null: not countable; absent: nothing was asked for). */
  gap?: number | null;
}

/** One watcher. Calls arrive in log order: state, stream, boots and bytes, scrollback end, live. */
export interface ConsoleViewer {
  onState(state: ConsoleState, detail: string | undefined): void;
  onStream(s: StreamStart): void;
  onData(chunk: Buffer): void;
  onBoot(mark: BootMark, earlier: boolean): void;
  onScrollbackEnd(): void;
}

export interface ConsoleSession {
  /** Sends keystrokes to the guest; false when the input socket is not open (the bytes are dropped). */
  write(data: Buffer): boolean;
  detach(): void;
}

export interface ConsoleHubOptions {
  ssh: SshExecutor;
  resolve: ConsoleResolver;
  boots?: BootSource;
  auditFollow?: ConsoleFollowAudit;
  scrollbackBytes?: number;
  /** Keep the follower and socket this long after the last viewer leaves (a reload should not restart them). */
  lingerMs?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
}
