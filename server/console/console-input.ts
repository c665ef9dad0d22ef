// The keystroke path of one guest's console: QEMU's serial socket over openStreamLocal,
// held only while the guest runs. Output does not come from here (it comes from the serial
// log, console-follower.ts): whatever the socket returns is read and thrown away, because
// QEMU logs only what its socket backend accepted, and an unread socket would stall output.
// What must not break: the socket is always read; a stopped guest is polled slowly, and a
// start wakes it at once (no backoff wait between "QEMU is up" and "live").
import type { Duplex } from "node:stream";
import { LabdeckError } from "../errors";
import { logger } from "../logger";
import type { SshExecutor, SshTarget } from "../ssh/types";

const log = logger.child({ module: "console" });
const FAST_MS = 100;

export type InputState = "opening" | "open" | "absent" | "unreachable";

export interface ConsoleInputOptions {
  ssh: SshExecutor;
  endpoint: () => Promise<{ target: SshTarget; socketPath: string }>;
  onState: (s: InputState, detail: string | undefined) => void;
  retryInitialMs: number;
  retryMaxMs: number;
}

export class ConsoleInput {
  private stream: Duplex | null = null;
  private stateValue: InputState = "opening";
  private generation = 0;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private opening = false;
  private fastUntil = 0;
  private closed = false;

  constructor(private readonly o: ConsoleInputOptions) {}

  get state(): InputState {
    return this.stateValue;
  }

  start(): void {
    if (!this.closed && this.stream === null && !this.opening && this.timer === null) this.open();
  }

  /** A start is under way: try now, then every FAST_MS for `forMs`, instead of backing off. */
  wake(forMs = 30_000): void {
    if (this.closed) return;
    this.fastUntil = Date.now() + forMs;
    this.failures = 0;
    if (this.stream !== null || this.opening) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.open();
  }

  write(data: Buffer): boolean {
    if (this.stream === null) return false;
    try {
      this.stream.write(data);
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.closed = true;
    this.generation++;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const s = this.stream;
    this.stream = null;
    s?.destroy();
  }

  private set(state: InputState, detail?: string): void {
    this.stateValue = state;
    this.o.onState(state, detail);
  }

  private open(): void {
    const generation = ++this.generation;
    this.opening = true;
    void (async () => {
      let stream: Duplex;
      try {
        const { target, socketPath } = await this.o.endpoint();
        stream = await this.o.ssh.openStreamLocal(target, socketPath);
      } catch (err) {
        this.opening = false;
        if (generation !== this.generation) return;
        const message = err instanceof Error ? err.message : String(err);
        // stream-local.ts: sshd says "open failed" both for a missing socket and for no listener.
        this.set(err instanceof LabdeckError && err.code === "NOT_FOUND" ? "absent" : "unreachable", message);
        this.retry();
        return;
      }
      this.opening = false;
      if (generation !== this.generation) {
        stream.destroy();
        return;
      }
      this.adopt(stream, generation);
    })();
  }

  private adopt(stream: Duplex, generation: number): void {
    this.stream = stream;
    this.failures = 0;
    stream.on("data", () => undefined);
    let ended = false;
    const lost = (why: string) => {
      if (ended) return;
      ended = true;
      stream.destroy();
      if (generation !== this.generation) return;
      this.stream = null;
      log.info({ why }, "console input closed");
      this.set("absent", `serial socket ${why}`);
      this.retry(true);
    };
    stream.on("error", (err: Error) => lost(`failed: ${err.message}`));
    stream.on("end", () => lost("ended"));
    stream.on("close", () => lost("closed"));
    this.set("open");
  }

  private retry(justLost = false): void {
    if (this.closed) return;
    const n = this.failures++;
    const base = Math.min(this.o.retryMaxMs, this.o.retryInitialMs * 2 ** n);
    const delay = Date.now() < this.fastUntil || (justLost && n === 0) ? Math.min(base, FAST_MS) : base;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        if (!this.closed && this.stream === null) this.open();
      },
      delay * (0.8 + Math.random() * 0.4),
    );
  }
}
