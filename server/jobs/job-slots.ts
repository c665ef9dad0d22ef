// Bounded concurrency per job kind inside this process: at most `limit` jobs of a limited
// kind run at once, the rest wait in FIFO order as "queued" (no step has started, so no step
// timer runs while a job waits here). Probing a hundred hosts at once otherwise runs a
// hundred SSH handshakes and a few thousand processes together: on 2 cores the load reached
// 56 and steps timed out in the crowd. Kinds without a limit are not held back, so a guest
// start never waits behind a wave of probes. What must not break: every acquired slot is
// released exactly once, and a job cancelled while waiting leaves the queue without a slot.

export class JobSlots {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly limits: Readonly<Record<string, number>>) {
    for (const [kind, n] of Object.entries(limits)) {
      if (!Number.isInteger(n) || n < 1) throw new Error(`job slots for ${kind} must be a positive integer, not ${n}`);
    }
  }

  limit(kind: string): number | null {
    return this.limits[kind] ?? null;
  }

  /** Jobs of this kind running and waiting, for diagnostics and tests. */
  stats(kind: string): { running: number; waiting: number } {
    return { running: this.active.get(kind) ?? 0, waiting: this.waiting.get(kind)?.length ?? 0 };
  }

  /** Resolves with the release function once a slot is held, or null if `signal` aborted first. */
  acquire(kind: string, signal: AbortSignal): Promise<(() => void) | null> {
    const limit = this.limits[kind];
    if (limit === undefined) return Promise.resolve(() => undefined);
    if (signal.aborted) return Promise.resolve(null);
    const queue = this.waiting.get(kind) ?? [];
    this.waiting.set(kind, queue);
    const take = (): (() => void) => {
      this.active.set(kind, (this.active.get(kind) ?? 0) + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        this.active.set(kind, (this.active.get(kind) ?? 1) - 1);
        queue.shift()?.();
      };
    };
    if ((this.active.get(kind) ?? 0) < limit && queue.length === 0) return Promise.resolve(take());
    return new Promise((resolve) => {
      const grant = () => {
        signal.removeEventListener("abort", onAbort);
        resolve(take());
      };
      const onAbort = () => {
        const i = queue.indexOf(grant);
        if (i >= 0) queue.splice(i, 1);
        resolve(null);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      queue.push(grant);
    });
  }
}
