// A QMP client over any byte stream: in production the Duplex SshPool.openStreamLocal gives
// for the guest's qmp.sock. QMP is one JSON object per line; replies carry the "id" we
// sent, events arrive at any time and never resolve a command. What must not break: a
// command always settles (reply, error, timeout or stream close), never hangs.
import type { Duplex } from "node:stream";

export interface QmpGreeting {
  version: { qemu: { major: number; minor: number; micro: number }; package: string };
  capabilities: string[];
}

export interface QmpEvent {
  event: string;
  data?: unknown;
  timestamp?: { seconds: number; microseconds: number };
}

export type QmpErrorKind = "command" | "timeout" | "closed" | "protocol";

/** `command`: QEMU answered with an error (`errorClass` e.g. "GenericError", "CommandNotFound"). */
export class QmpError extends Error {
  readonly kind: QmpErrorKind;
  readonly errorClass: string | undefined;
  constructor(kind: QmpErrorKind, message: string, errorClass?: string) {
    super(message);
    this.name = "QmpError";
    this.kind = kind;
    this.errorClass = errorClass;
  }
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: QmpError) => void;
  timer: NodeJS.Timeout;
}

const MAX_EVENTS = 256;
const MAX_LINE = 1024 * 1024;

export class QmpClient {
  greeting: QmpGreeting | null = null;
  /** Async events seen so far (oldest dropped beyond 256), e.g. SHUTDOWN after powerdown. */
  readonly events: QmpEvent[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly eventListeners = new Set<(e: QmpEvent) => void>();
  private buffer = "";
  private nextId = 1;
  private closedError: QmpError | null = null;
  private greetingWaiter: { resolve: (g: QmpGreeting) => void; reject: (e: QmpError) => void } | null = null;

  constructor(private readonly stream: Duplex) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => this.onData(chunk));
    stream.on("close", () => this.fail(new QmpError("closed", "the QMP connection closed")));
    stream.on("end", () => this.fail(new QmpError("closed", "the QMP connection closed")));
    stream.on("error", (e: Error) => this.fail(new QmpError("closed", `the QMP connection failed: ${e.message}`)));
  }

  onEvent(listener: (e: QmpEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Reads the greeting and enters command mode (qmp_capabilities). */
  async handshake(timeoutMs = 5000): Promise<QmpGreeting> {
    const greeting =
      this.greeting ??
      (await new Promise<QmpGreeting>((resolve, reject) => {
        if (this.closedError) return reject(this.closedError);
        const timer = setTimeout(() => reject(new QmpError("timeout", `no QMP greeting within ${timeoutMs} ms`)), timeoutMs);
        this.greetingWaiter = {
          resolve: (g) => (clearTimeout(timer), resolve(g)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        };
      }));
    await this.execute("qmp_capabilities", undefined, { timeoutMs });
    return greeting;
  }

  execute<T = unknown>(command: string, args?: Record<string, unknown>, opts: { timeoutMs?: number } = {}): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = `labdeck-${this.nextId++}`;
    const timeoutMs = opts.timeoutMs ?? 10_000;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new QmpError("timeout", `QMP ${command} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: (v) => resolve(v as T), reject, timer });
      const msg = args === undefined ? { execute: command, id } : { execute: command, arguments: args, id };
      this.stream.write(`${JSON.stringify(msg)}\n`);
    });
  }

  close(): void {
    this.fail(new QmpError("closed", "the QMP client was closed"));
    this.stream.destroy();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    if (this.buffer.length > MAX_LINE && !this.buffer.includes("\n")) {
      this.fail(new QmpError("protocol", "QMP sent a line over 1 MiB"));
      this.stream.destroy();
      return;
    }
    let nl: number;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line !== "") this.onMessage(line);
    }
  }

  private onMessage(line: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      this.fail(new QmpError("protocol", `QMP sent something that is not JSON: ${line.slice(0, 80)}`));
      return;
    }
    if ("QMP" in msg) {
      this.greeting = msg.QMP as QmpGreeting;
      this.greetingWaiter?.resolve(this.greeting);
      this.greetingWaiter = null;
    } else if (typeof msg.event === "string") {
      const ev = msg as unknown as QmpEvent;
      this.events.push(ev);
      if (this.events.length > MAX_EVENTS) this.events.shift();
      for (const l of this.eventListeners) l(ev);
    } else if (typeof msg.id === "string") {
      const p = this.pending.get(msg.id);
      if (p === undefined) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if ("error" in msg) {
        const err = (msg.error ?? {}) as { class?: string; desc?: string };
        p.reject(new QmpError("command", err.desc ?? "QMP command failed", err.class ?? "GenericError"));
      } else {
        p.resolve(msg.return);
      }
    }
  }

  private fail(err: QmpError): void {
    if (this.closedError) return;
    this.closedError = err;
    this.greetingWaiter?.reject(err);
    this.greetingWaiter = null;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }
}

/** A client that has read the greeting and negotiated capabilities. */
export async function connectQmp(stream: Duplex, opts: { timeoutMs?: number } = {}): Promise<QmpClient> {
  const client = new QmpClient(stream);
  try {
    await client.handshake(opts.timeoutMs);
    return client;
  } catch (e) {
    client.close();
    throw e;
  }
}

/** query-status's answer, as far as Labdeck reads it. */
export interface QmpStatus {
  status: string;
  running: boolean;
}
