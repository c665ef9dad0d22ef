// One upstream byte stream per guest (its serial socket, tunnelled over the host's pooled
// SSH connection), fanned out to every viewer. QEMU's socket chardev serves one client at a
// time, so two upstreams for one guest would starve each other: everything that wants a
// guest's console must come through here. The hub never parses or alters output.
import type { Duplex } from "node:stream";
import { LabdeckError } from "../errors";
import { logger } from "../logger";
import type { SshExecutor, SshTarget } from "../ssh/types";
import { ByteRing } from "./byte-ring";

const log = logger.child({ module: "console" });
const BATCH_MS = 3;

export const CONSOLE_STATES = ["connecting", "live", "guest-not-running", "host-unreachable"] as const;
export type ConsoleState = (typeof CONSOLE_STATES)[number];

export interface ConsoleEndpoint {
  target: SshTarget;
  socketPath: string;
}

export type ConsoleResolver = (guestId: string) => Promise<ConsoleEndpoint>;

/**
 * The recent history a fresh upstream starts from (the tail of the host-side serial log),
 * read on behalf of the viewer who opened it. Without it a console opened after the guest
 * booted would start blank: the ring only holds what passed while someone watched.
 */
export type ConsolePreload = (guestId: string, who: { userId: string | null; username: string }) => Promise<Buffer | null>;

/** One watcher of a guest's console. Calls arrive in order: state, scrollback, scrollback end, live. */
export interface ConsoleViewer {
  onState(state: ConsoleState, detail: string | undefined): void;
  onData(chunk: Buffer): void;
  onScrollbackEnd(): void;
}

export interface ConsoleSession {
  /** Sends keystrokes to the guest; false when there is no live upstream (the bytes are dropped). */
  write(data: Buffer): boolean;
  detach(): void;
}

export interface ConsoleHubOptions {
  ssh: SshExecutor;
  resolve: ConsoleResolver;
  preload?: ConsolePreload;
  scrollbackBytes?: number;
  /** Keep the upstream this long after the last viewer leaves (a page reload should not reconnect). */
  lingerMs?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
}

interface GuestConsole {
  guestId: string;
  viewers: Set<ConsoleViewer>;
  ring: ByteRing;
  state: ConsoleState;
  detail: string | undefined;
  upstream: Duplex | null;
  /** Bumped on every open attempt and on shutdown; stale callbacks compare and bail out. */
  generation: number;
  failures: number;
  retryTimer: NodeJS.Timeout | null;
  lingerTimer: NodeJS.Timeout | null;
  /** Output that arrived in this event-loop turn, sent as one chunk (see adopt). */
  pending: Buffer[];
  /** Whose attach opened the current upstream (the preload is read, and audited, as them). */
  openedBy: { userId: string | null; username: string };
}

export function classifyUpstreamError(err: unknown): { state: ConsoleState; detail: string } {
  const message = err instanceof Error ? err.message : String(err);
  // stream-local.ts: sshd says "open failed" both for a missing socket and for no listener.
  if (err instanceof LabdeckError && err.code === "NOT_FOUND") return { state: "guest-not-running", detail: message };
  return { state: "host-unreachable", detail: message };
}

export class ConsoleHub {
  private readonly guests = new Map<string, GuestConsole>();
  private readonly ssh: SshExecutor;
  private readonly resolve: ConsoleResolver;
  private readonly preload: ConsolePreload | undefined;
  private readonly scrollbackBytes: number;
  private readonly lingerMs: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;

  constructor(opts: ConsoleHubOptions) {
    this.ssh = opts.ssh;
    this.resolve = opts.resolve;
    this.preload = opts.preload;
    this.scrollbackBytes = opts.scrollbackBytes ?? 256 * 1024;
    this.lingerMs = opts.lingerMs ?? 5_000;
    this.retryInitialMs = opts.retryInitialMs ?? 250;
    this.retryMaxMs = opts.retryMaxMs ?? 5_000;
  }

  attach(guestId: string, viewer: ConsoleViewer, who: { userId: string | null; username: string } = { userId: null, username: "console" }): ConsoleSession {
    let gc = this.guests.get(guestId);
    if (gc === undefined) {
      gc = {
        guestId,
        viewers: new Set(),
        ring: new ByteRing(this.scrollbackBytes),
        state: "connecting",
        detail: undefined,
        upstream: null,
        generation: 0,
        failures: 0,
        retryTimer: null,
        lingerTimer: null,
        pending: [],
        openedBy: who,
      };
      this.guests.set(guestId, gc);
    }
    if (gc.lingerTimer !== null) {
      clearTimeout(gc.lingerTimer);
      gc.lingerTimer = null;
    }
    const first = gc.viewers.size === 0;
    if (first) gc.openedBy = who;
    gc.viewers.add(viewer);
    // Synchronous: no upstream chunk can slip between the replay and the live stream.
    viewer.onState(gc.state, gc.detail);
    if (gc.ring.length > 0) viewer.onData(gc.ring.snapshot());
    viewer.onScrollbackEnd();
    if (first && gc.upstream === null && gc.retryTimer === null) this.open(gc);

    const owner = gc;
    let detached = false;
    return {
      write: (data) => {
        if (detached || owner.upstream === null || owner.state !== "live") return false;
        try {
          owner.upstream.write(data);
          return true;
        } catch {
          // The SSH connection went away under the channel; the close handler reconnects.
          return false;
        }
      },
      detach: () => {
        if (detached) return;
        detached = true;
        owner.viewers.delete(viewer);
        if (owner.viewers.size === 0) this.scheduleRelease(owner);
      },
    };
  }

  /** Guests with a hub entry, and whether each has an upstream open (tests, diagnostics). */
  stats(): { guestId: string; viewers: number; state: ConsoleState; upstreamOpen: boolean }[] {
    return [...this.guests.values()].map((gc) => ({
      guestId: gc.guestId,
      viewers: gc.viewers.size,
      state: gc.state,
      upstreamOpen: gc.upstream !== null,
    }));
  }

  /** Closes every upstream at once (server shutdown); viewers are the gateway's to close. */
  closeAll(): void {
    for (const gc of this.guests.values()) this.release(gc);
  }

  private setState(gc: GuestConsole, state: ConsoleState, detail?: string): void {
    if (gc.state === state && gc.detail === detail) return;
    gc.state = state;
    gc.detail = detail;
    for (const v of gc.viewers) v.onState(state, detail);
  }

  private open(gc: GuestConsole): void {
    const generation = ++gc.generation;
    if (gc.state !== "connecting") this.setState(gc, "connecting", gc.failures > 0 ? "retrying" : undefined);
    void (async () => {
      let stream: Duplex;
      try {
        const { target, socketPath } = await this.resolve(gc.guestId);
        // History first, then the live stream: what the guest prints in between is in
        // neither, but nothing is shown twice.
        if (gc.ring.length === 0 && this.preload) {
          const tail = await this.preload(gc.guestId, gc.openedBy).catch(() => null);
          if (tail && tail.length > 0 && gc.generation === generation && gc.ring.length === 0) {
            gc.ring.write(tail);
            for (const v of gc.viewers) v.onData(tail);
          }
        }
        stream = await this.ssh.openStreamLocal(target, socketPath);
      } catch (err) {
        if (gc.generation !== generation) return;
        const { state, detail } = classifyUpstreamError(err);
        this.setState(gc, state, detail);
        this.scheduleRetry(gc, state);
        return;
      }
      if (gc.generation !== generation || gc.viewers.size === 0 && gc.lingerTimer === null) {
        stream.destroy();
        return;
      }
      this.adopt(gc, stream, generation);
    })();
  }

  private adopt(gc: GuestConsole, stream: Duplex, generation: number): void {
    gc.upstream = stream;
    gc.failures = 0;
    log.info({ guestId: gc.guestId }, "console upstream open");
    // A QEMU UART writes its socket a byte at a time, so output arrives as many tiny SSH
    // packets, and a browser pays per WebSocket frame (on a busy host that CPU is taken from
    // the guest). Output after a quiet spell (a keystroke's echo) goes out in the same
    // event-loop turn; while output keeps flowing it goes out at most every BATCH_MS.
    let lastFlush = 0;
    let scheduled = false;
    const flush = () => {
      scheduled = false;
      lastFlush = performance.now();
      if (gc.pending.length === 0 || gc.generation !== generation) return;
      const chunk = gc.pending.length === 1 ? (gc.pending[0] as Buffer) : Buffer.concat(gc.pending);
      gc.pending = [];
      gc.ring.write(chunk);
      for (const v of gc.viewers) v.onData(chunk);
    };
    stream.on("data", (chunk: Buffer) => {
      if (gc.generation !== generation) return;
      gc.pending.push(chunk);
      if (scheduled) return;
      scheduled = true;
      const since = performance.now() - lastFlush;
      if (since >= BATCH_MS) setImmediate(flush);
      else setTimeout(flush, BATCH_MS - since);
    });
    let ended = false;
    const lost = (why: string) => {
      if (ended) return;
      ended = true;
      stream.destroy();
      if (gc.generation !== generation) return;
      gc.upstream = null;
      log.info({ guestId: gc.guestId, why }, "console upstream closed");
      if (gc.viewers.size === 0) {
        this.release(gc);
        return;
      }
      this.setState(gc, "connecting", `upstream ${why}; reconnecting`);
      this.scheduleRetry(gc, "connecting");
    };
    stream.on("error", (err: Error) => lost(`failed: ${err.message}`));
    stream.on("end", () => lost("ended"));
    stream.on("close", () => lost("closed"));
    this.setState(gc, "live");
  }

  private scheduleRetry(gc: GuestConsole, after: ConsoleState): void {
    if (gc.viewers.size === 0) {
      this.release(gc);
      return;
    }
    // A stopped guest is polled at the slow end of the curve; a dropped stream retries quickly first.
    const n = gc.failures++;
    const base = Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** n);
    const delay = after === "connecting" && n === 0 ? Math.min(base, 100) : base;
    gc.retryTimer = setTimeout(() => {
      gc.retryTimer = null;
      if (gc.viewers.size > 0 && gc.upstream === null) this.open(gc);
    }, delay * (0.8 + Math.random() * 0.4));
  }

  private scheduleRelease(gc: GuestConsole): void {
    if (gc.lingerTimer !== null) return;
    if (this.lingerMs <= 0) {
      this.release(gc);
      return;
    }
    gc.lingerTimer = setTimeout(() => {
      gc.lingerTimer = null;
      if (gc.viewers.size === 0) this.release(gc);
    }, this.lingerMs);
  }

  private release(gc: GuestConsole): void {
    gc.generation++;
    if (gc.retryTimer !== null) clearTimeout(gc.retryTimer);
    if (gc.lingerTimer !== null) clearTimeout(gc.lingerTimer);
    gc.retryTimer = null;
    gc.lingerTimer = null;
    gc.pending = [];
    const up = gc.upstream;
    gc.upstream = null;
    up?.destroy();
    if (gc.viewers.size === 0 && this.guests.get(gc.guestId) === gc) this.guests.delete(gc.guestId);
  }
}
