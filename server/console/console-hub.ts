// One console per watched guest, fanned out to every viewer. Output comes from the guest's
// serial log through ONE follower exec (console-follower.ts), so every byte has an exact log
// offset: a viewer opening during a boot, before it, or coming back after a drop gets the
// bytes from a stated position, contiguous, with each boot marked at its byte. Keystrokes go
// to QEMU's serial socket (console-input.ts), held only while the guest runs.
// What must not break: everything a viewer is sent goes through `send`/`replay` in log order
// (bytes and boot marks interleaved by offset), and the state is "live" only while the
// follower has caught up with the log and the input socket is open: never over stale output.
import { logger } from "../logger";
import type { BootEvent, BootMark } from "./console-boots";
import type {
  ConsoleActor,
  ConsoleEndpoint,
  ConsoleHubOptions,
  ConsoleSession,
  ConsoleState,
  ConsoleViewer,
  StreamStart,
} from "./console-hub-types";
import { LogFollower } from "./console-follower";
import { ConsoleInput, type InputState } from "./console-input";
import { gapBytes, interleave, OffsetRing, planReplay, type ResumeRequest, type StreamItem } from "./console-stream";
import { serialFollowArgv, type FollowHeader, type LogPosition } from "./serial-follow";

const log = logger.child({ module: "console" });
const BATCH_MS = 3;
// Output counts as a steady stream (and is batched) after this many flushes within the window,
// or this much waiting: a keystroke's echo and a short line, a few chunks within a
// millisecond, go out at once (bench/console measured up to 2.5 ms held by the timer).
const STREAM_WINDOW_MS = 12;
const STREAM_FLUSHES = 4;
const STREAM_BYTES = 4096;
const FRESH_BACK_BYTES = 64 * 1024;
const MAX_CONTINUE_BYTES = 64 * 1024 * 1024;
const DRAIN_WAIT_MS = 3000;
const MAX_MARKS = 100;

export { CONSOLE_STATES } from "./console-hub-types";
export type {
  ConsoleActor,
  ConsoleEndpoint,
  ConsoleFollowAudit,
  ConsoleHubOptions,
  ConsoleResolver,
  ConsoleSession,
  ConsoleState,
  ConsoleViewer,
  StreamStart,
} from "./console-hub-types";

interface GuestConsole {
  guestId: string;
  /** Viewers that have been sent their replay; the rest wait for the follower's first header. */
  viewers: Map<ConsoleViewer, { synced: boolean; resume: ResumeRequest | null }>;
  ring: OffsetRing;
  known: boolean;
  marks: BootMark[];
  marksLoaded: Promise<void>;
  follower: LogFollower | null;
  /** Bumped by every follower start; a start that finds a newer one under way gives up. */
  startGen: number;
  starting: boolean;
  followerError: { why: string; unreachable: boolean } | null;
  /** The follower has given every byte the log held when it started. */
  current: boolean;
  /** The follower is waiting for a log that does not exist yet (the guest never started here). */
  logAbsent: boolean;
  catchUpTo: number;
  failures: number;
  retryTimer: NodeJS.Timeout | null;
  lingerTimer: NodeJS.Timeout | null;
  pending: Buffer[];
  flushTimer: NodeJS.Timeout | NodeJS.Immediate | null;
  lastFlush: number;
  pendingBytes: number;
  /** Flushes since windowStart: how a steady stream is told from an echo. */
  windowStart: number;
  windowFlushes: number;
  /** The old log's final size, when a rotation waits for its last bytes before switching. */
  drain: { size: number; to: BootMark; timer: NodeJS.Timeout } | null;
  /** A boot in another log file announced before the follower's header came. */
  expect: BootEvent | null;
  rotated: { inode: string; size: number } | null;
  input: ConsoleInput;
  openedBy: ConsoleActor;
  state: ConsoleState;
  detail: string | undefined;
  closed: boolean;
}

export class ConsoleHub {
  private readonly guests = new Map<string, GuestConsole>();
  private readonly scrollbackBytes: number;
  private readonly lingerMs: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly opts: ConsoleHubOptions) {
    this.scrollbackBytes = opts.scrollbackBytes ?? 256 * 1024;
    this.lingerMs = opts.lingerMs ?? 5_000;
    this.retryInitialMs = opts.retryInitialMs ?? 250;
    this.retryMaxMs = opts.retryMaxMs ?? 5_000;
    if (opts.boots) {
      this.unsubscribe.push(opts.boots.onBoot((e) => this.onBootEvent(e)));
      this.unsubscribe.push(opts.boots.onStarted((id) => this.guests.get(id)?.input.wake()));
    }
  }

  attach(
    guestId: string,
    viewer: ConsoleViewer,
    resume: ResumeRequest | null = null,
    who: ConsoleActor = { userId: null, username: "console" },
  ): ConsoleSession {
    const gc = this.guests.get(guestId) ?? this.create(guestId);
    if (gc.viewers.size === 0) gc.openedBy = who;
    if (gc.lingerTimer !== null) clearTimeout(gc.lingerTimer);
    gc.lingerTimer = null;
    gc.viewers.set(viewer, { synced: false, resume });
    viewer.onState(gc.state, gc.detail);
    // Synchronous: no follower chunk can slip between the replay and the live stream.
    if (gc.known) this.sync(gc, viewer);
    if (gc.follower === null && gc.retryTimer === null && !gc.starting) void this.startFollower(gc);
    gc.input.start();

    let detached = false;
    return {
      write: (data) => !detached && gc.state === "live" && gc.input.write(data),
      detach: () => {
        if (detached) return;
        detached = true;
        gc.viewers.delete(viewer);
        if (gc.viewers.size === 0) this.scheduleRelease(gc);
      },
    };
  }

  stats(): { guestId: string; viewers: number; state: ConsoleState; followerOpen: boolean; inputOpen: boolean }[] {
    return [...this.guests.values()].map((gc) => ({
      guestId: gc.guestId,
      viewers: gc.viewers.size,
      state: gc.state,
      followerOpen: gc.follower !== null,
      inputOpen: gc.input.state === "open",
    }));
  }

  /** Stops every follower and socket (server shutdown); viewers are the gateway's to close. */
  closeAll(): void {
    for (const u of this.unsubscribe) u();
    for (const gc of [...this.guests.values()]) this.release(gc);
  }

  private create(guestId: string): GuestConsole {
    const gc: GuestConsole = {
      guestId,
      viewers: new Map(),
      ring: new OffsetRing(this.scrollbackBytes),
      known: false,
      marks: [],
      marksLoaded: Promise.resolve(),
      follower: null,
      startGen: 0,
      starting: false,
      followerError: null,
      current: false,
      logAbsent: false,
      catchUpTo: 0,
      failures: 0,
      retryTimer: null,
      lingerTimer: null,
      pending: [],
      flushTimer: null,
      lastFlush: 0,
      pendingBytes: 0,
      windowStart: 0,
      windowFlushes: 0,
      drain: null,
      expect: null,
      rotated: null,
      input: null as unknown as ConsoleInput,
      openedBy: { userId: null, username: "console" },
      state: "connecting",
      detail: undefined,
      closed: false,
    };
    gc.input = new ConsoleInput({
      ssh: this.opts.ssh,
      endpoint: () => this.opts.resolve(guestId),
      onState: () => this.updateState(gc),
      retryInitialMs: this.retryInitialMs,
      retryMaxMs: this.retryMaxMs,
    });
    // Marks first: the follower waits for them, so no byte goes out before a boot it contains.
    gc.marksLoaded = (this.opts.boots?.list(guestId) ?? Promise.resolve([])).then(
      (list) => this.addMarks(gc, list),
      (err: unknown) => log.warn({ guestId, err: err instanceof Error ? err.message : String(err) }, "boot marks not loaded"),
    );
    this.guests.set(guestId, gc);
    return gc;
  }

  private addMarks(gc: GuestConsole, list: readonly BootMark[]): void {
    for (const m of list) if (!gc.marks.some((x) => x.id === m.id)) gc.marks.push(m);
    gc.marks.sort((a, b) => (a.inode === b.inode ? a.offset - b.offset : a.at.localeCompare(b.at)));
    if (gc.marks.length > MAX_MARKS) gc.marks.splice(0, gc.marks.length - MAX_MARKS);
  }

  private marksHere(gc: GuestConsole): BootMark[] {
    return gc.marks.filter((m) => m.inode === gc.ring.inode);
  }

  private updateState(gc: GuestConsole): void {
    const input: InputState = gc.input.state;
    let state: ConsoleState;
    let detail: string | undefined;
    if (gc.followerError?.unreachable && gc.follower === null) [state, detail] = ["host-unreachable", gc.followerError.why];
    else if (!gc.current && gc.logAbsent && input !== "open")
      [state, detail] = ["guest-not-running", "no serial log yet: the guest has not been started on this host"];
    else if (!gc.current) [state, detail] = ["connecting", gc.followerError ? `${gc.followerError.why}; retrying` : undefined];
    else if (input === "open") state = "live";
    else if (input === "absent") state = "guest-not-running";
    else if (input === "unreachable") state = "host-unreachable";
    else state = "connecting";
    if (gc.state === state && gc.detail === detail) return;
    gc.state = state;
    gc.detail = detail;
    for (const v of gc.viewers.keys()) v.onState(state, detail);
  }

  private async startFollower(gc: GuestConsole, resumeAt?: LogPosition): Promise<void> {
    const gen = ++gc.startGen;
    gc.starting = true;
    try {
      await this.startFollowerNow(gc, gen, resumeAt);
    } finally {
      if (gen === gc.startGen) gc.starting = false;
    }
  }

  private async startFollowerNow(gc: GuestConsole, gen: number, resumeAt?: LogPosition): Promise<void> {
    const stale = () => gc.closed || gc.follower !== null || gen !== gc.startGen;
    await gc.marksLoaded;
    if (stale()) return;
    let endpoint: ConsoleEndpoint;
    try {
      endpoint = await this.opts.resolve(gc.guestId);
    } catch (err) {
      if (!stale()) this.followerEnded(gc, err instanceof Error ? err.message : String(err), false);
      return;
    }
    if (stale()) return;
    const firstResume = [...gc.viewers.values()].find((v) => v.resume !== null)?.resume ?? null;
    const resume = resumeAt ?? (gc.known ? { inode: gc.ring.inode ?? "0", offset: gc.ring.end } : firstResume);
    let argv: string[];
    try {
      argv = serialFollowArgv(endpoint.serialLog, {
        backBytes: FRESH_BACK_BYTES,
        resume,
        maxResumeBytes: gc.known || resumeAt ? MAX_CONTINUE_BYTES : this.scrollbackBytes,
      });
      await this.opts.auditFollow?.({ guestId: gc.guestId, target: endpoint.target, argv, actor: gc.openedBy });
    } catch (err) {
      if (!stale()) this.followerEnded(gc, err instanceof Error ? err.message : String(err), false);
      return;
    }
    if (stale()) return;
    gc.current = false;
    gc.logAbsent = false;
    gc.follower = new LogFollower(this.opts.ssh, endpoint.target, argv, {
      onHeader: (h) => this.onHeader(gc, h),
      onBytes: (chunk) => this.onBytes(gc, chunk),
      onWaiting: () => {
        gc.logAbsent = true;
        gc.followerError = null;
        gc.failures = 0;
        this.updateState(gc);
      },
      onEnd: (why, unreachable) => {
        gc.follower = null;
        this.followerEnded(gc, why, unreachable);
      },
    });
    this.updateState(gc);
  }

  private followerEnded(gc: GuestConsole, why: string, unreachable: boolean): void {
    if (gc.closed) return;
    this.flush(gc);
    gc.current = false;
    gc.followerError = { why, unreachable };
    log.info({ guestId: gc.guestId, why }, "console follower ended");
    this.updateState(gc);
    if (gc.viewers.size === 0 && gc.lingerTimer === null) {
      this.release(gc);
      return;
    }
    const n = gc.failures++;
    const delay = n === 0 ? 50 : Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** (n - 1));
    gc.retryTimer = setTimeout(() => {
      gc.retryTimer = null;
      void this.startFollower(gc);
    }, delay);
  }

  private onHeader(gc: GuestConsole, h: FollowHeader): void {
    const pos: LogPosition = { inode: h.inode, offset: h.start };
    gc.followerError = null;
    gc.failures = 0;
    gc.logAbsent = false;
    gc.catchUpTo = h.size;
    gc.current = h.start >= h.size;
    if (!gc.known) {
      gc.ring.reset(pos);
      gc.known = true;
      if (h.rotatedSize !== null) {
        const asked = [...gc.viewers.values()].find((v) => v.resume !== null)?.resume;
        if (asked) gc.rotated = { inode: asked.inode, size: h.rotatedSize };
      }
      for (const v of gc.viewers.keys()) this.sync(gc, v);
    } else if (h.inode !== gc.ring.inode || h.start !== gc.ring.end) {
      const was = { inode: gc.ring.inode ?? "0", offset: gc.ring.end };
      const rotated = h.rotatedSize !== null ? { inode: was.inode, size: h.rotatedSize } : gc.rotated;
      const gap = gapBytes(was, pos, rotated);
      gc.ring.reset(pos);
      const marks = this.marksHere(gc);
      const earlier = [...marks].reverse().find((m) => m.offset < h.start) ?? null;
      const at = marks.filter((m) => m.offset === h.start);
      this.send(gc, (v) => {
        v.onStream(gap === 0 ? { position: pos, resumed: true } : { position: pos, resumed: false, gap });
        if (earlier && gap !== 0) v.onBoot(earlier, true);
        for (const m of at) v.onBoot(m, false);
      });
    }
    if (gc.expect !== null) {
      const e = gc.expect;
      gc.expect = null;
      if (e.mark.inode !== h.inode) this.rotate(gc, e);
    }
    this.updateState(gc);
  }

  private onBytes(gc: GuestConsole, chunk: Buffer): void {
    // A UART writes a byte at a time and a browser pays per WebSocket frame: sparse output
    // (an echo, a prompt) goes out in the next turn, a steady stream at most every BATCH_MS.
    gc.pending.push(chunk);
    gc.pendingBytes += chunk.length;
    if (gc.flushTimer !== null) return;
    const now = performance.now();
    if (now - gc.windowStart > STREAM_WINDOW_MS) {
      gc.windowStart = now;
      gc.windowFlushes = 0;
    }
    const streaming = gc.windowFlushes >= STREAM_FLUSHES || gc.pendingBytes >= STREAM_BYTES;
    const since = now - gc.lastFlush;
    gc.flushTimer =
      !streaming || since >= BATCH_MS ? setImmediate(() => this.flush(gc)) : setTimeout(() => this.flush(gc), BATCH_MS - since);
  }

  private flush(gc: GuestConsole): void {
    if (gc.flushTimer !== null) {
      clearTimeout(gc.flushTimer as NodeJS.Timeout);
      clearImmediate(gc.flushTimer as NodeJS.Immediate);
    }
    gc.flushTimer = null;
    gc.lastFlush = performance.now();
    gc.windowFlushes++;
    gc.pendingBytes = 0;
    if (gc.pending.length === 0 || gc.closed) return;
    const chunk = gc.pending.length === 1 ? (gc.pending[0] as Buffer) : Buffer.concat(gc.pending);
    gc.pending = [];
    const start = gc.ring.end;
    gc.ring.append(chunk);
    const items = interleave(
      start,
      chunk,
      this.marksHere(gc).filter((m) => m.offset > start && m.offset <= gc.ring.end),
    );
    this.send(gc, (v) => deliver(v, items));
    if (!gc.current && gc.ring.end >= gc.catchUpTo) {
      gc.current = true;
      this.updateState(gc);
    }
    if (gc.drain !== null && gc.ring.end >= gc.drain.size) this.switchLog(gc, gc.drain.to);
  }

  /** To every viewer that has had its replay (the others get it all in theirs). */
  private send(gc: GuestConsole, fn: (v: ConsoleViewer) => void): void {
    for (const [v, s] of gc.viewers) if (s.synced) fn(v);
  }

  private sync(gc: GuestConsole, viewer: ConsoleViewer): void {
    const s = gc.viewers.get(viewer);
    if (s === undefined || s.synced) return;
    this.flush(gc);
    const plan = planReplay(gc.ring, this.marksHere(gc), s.resume, gc.rotated);
    s.synced = true;
    const start: StreamStart = { position: plan.from, resumed: plan.resumed };
    if (plan.gap !== undefined) start.gap = plan.gap;
    viewer.onStream(start);
    if (plan.earlier) viewer.onBoot(plan.earlier, true);
    deliver(viewer, plan.items);
    viewer.onScrollbackEnd();
  }

  private onBootEvent(e: BootEvent): void {
    const gc = this.guests.get(e.guestId);
    if (gc === undefined || gc.closed) return;
    this.flush(gc);
    this.addMarks(gc, [e.mark]);
    gc.input.wake();
    if (!gc.known || (gc.follower === null && gc.ring.inode !== e.mark.inode)) {
      gc.expect = e;
      return;
    }
    if (e.mark.inode === gc.ring.inode) {
      if (e.mark.offset <= gc.ring.end) this.send(gc, (v) => v.onBoot(e.mark, false));
      return;
    }
    this.rotate(gc, e);
  }

  /** The log was rotated: take the old file's last bytes, then follow the new one from the boot. */
  private rotate(gc: GuestConsole, e: BootEvent): void {
    if (e.rotated !== null && e.rotated.inode === gc.ring.inode) gc.rotated = e.rotated;
    if (e.rotated !== null && e.rotated.inode === gc.ring.inode && gc.ring.end < e.rotated.size && gc.follower !== null) {
      if (gc.drain !== null) clearTimeout(gc.drain.timer);
      gc.drain = { size: e.rotated.size, to: e.mark, timer: setTimeout(() => this.switchLog(gc, e.mark), DRAIN_WAIT_MS) };
      return;
    }
    this.switchLog(gc, e.mark);
  }

  private switchLog(gc: GuestConsole, to: BootMark): void {
    if (gc.drain !== null) clearTimeout(gc.drain.timer);
    gc.drain = null;
    if (gc.closed) return;
    gc.follower?.stop();
    gc.follower = null;
    if (gc.retryTimer !== null) clearTimeout(gc.retryTimer);
    gc.retryTimer = null;
    void this.startFollower(gc, { inode: to.inode, offset: to.offset });
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
    gc.closed = true;
    for (const t of [gc.retryTimer, gc.lingerTimer, gc.drain?.timer]) if (t) clearTimeout(t);
    if (gc.flushTimer !== null) {
      clearTimeout(gc.flushTimer as NodeJS.Timeout);
      clearImmediate(gc.flushTimer as NodeJS.Immediate);
    }
    gc.follower?.stop();
    gc.follower = null;
    gc.input.close();
    if (this.guests.get(gc.guestId) === gc) this.guests.delete(gc.guestId);
  }
}

function deliver(v: ConsoleViewer, items: readonly StreamItem[]): void {
  for (const it of items) {
    if (it.kind === "data") {
      if (it.bytes.length > 0) v.onData(it.bytes);
    } else v.onBoot(it.mark, false);
  }
}
