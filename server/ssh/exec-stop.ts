// One exec's reasons to stop waiting: its timeout and the caller's AbortSignal, folded into
// a single signal, plus the helpers that let every wait of an exec (queue, connect, retry
// back-off) end on it. The first reason wins and is the outcome reported, so a command
// that was cancelled after its timeout already fired is still a timeout.
import type { ExecResult } from "./types";

export type StopReason = "timeout" | "cancelled";

export class ExecStop {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private stopReason: StopReason | null = null;
  private readonly onCallerAbort = () => this.stop("cancelled");
  private readonly callerSignal: AbortSignal | undefined;

  constructor(opts: { timeoutMs?: number; signal?: AbortSignal }) {
    const callerSignal = opts.signal;
    this.callerSignal = callerSignal;
    if (callerSignal?.aborted) {
      this.stop("cancelled");
      return;
    }
    callerSignal?.addEventListener("abort", this.onCallerAbort, { once: true });
    if (opts.timeoutMs !== undefined && Number.isFinite(opts.timeoutMs)) {
      this.timer = setTimeout(() => this.stop("timeout"), Math.max(0, opts.timeoutMs));
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get reason(): StopReason | null {
    return this.stopReason;
  }

  private stop(reason: StopReason): void {
    if (this.stopReason !== null) return;
    this.stopReason = reason;
    this.controller.abort();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener("abort", this.onCallerAbort);
  }
}

/** The result of an exec that stopped before its command was sent: nothing ran. */
export function stoppedBeforeStart(stop: ExecStop, startedAt: number): ExecResult {
  return {
    outcome: stop.reason ?? "cancelled",
    exitStatus: null,
    exitSignal: null,
    stdout: "",
    stderr: "",
    durationMs: Math.round(performance.now() - startedAt),
  };
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Resolves with the promise's value, or null as soon as signal aborts (the promise keeps going). */
export function unlessAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T | null> {
  if (signal.aborted) return Promise.resolve(null);
  return new Promise<T | null>((resolve, reject) => {
    const onAbort = () => resolve(null);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
