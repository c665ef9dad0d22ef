// Caps the exec channels open at once on one host. Excess work waits in FIFO order and is
// never refused: sshd's MaxSessions (10 by default) would otherwise turn a busy moment into
// failed commands. Once the server has refused a channel, the limit becomes the most
// channels it has been seen running at once on this connection (and grows as confirmations
// arrive): the count open at the moment of a refusal says little, since confirmations lag
// and sshd frees a session a moment after its channel closes. A new connection starts
// again from the configured cap.
export class ChannelGate {
  private active = 0;
  private refusedOnce = false;
  private open = 0;
  private peakOpen = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly cap: number) {
    if (!Number.isInteger(cap) || cap < 1) throw new Error(`channel cap must be a positive integer, got ${cap}`);
  }

  get limit(): number {
    return this.refusedOnce ? Math.max(1, Math.min(this.cap, this.peakOpen)) : this.cap;
  }

  get inUse(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiters.length;
  }

  /** Resolves true with a slot held, or false if `signal` aborted first (no slot held). */
  acquire(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    if (this.active < this.limit && this.waiters.length === 0) {
      this.active++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        this.active++;
        resolve(true);
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(false);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(grant);
    });
  }

  release(): void {
    this.active = Math.max(0, this.active - 1);
    this.pump();
  }

  /** The server confirmed a channel. */
  channelOpened(): void {
    this.open++;
    this.peakOpen = Math.max(this.peakOpen, this.open);
    this.pump();
  }

  channelClosed(): void {
    this.open = Math.max(0, this.open - 1);
  }

  /** The server refused a channel: from now on it gets no more than it has shown it accepts. */
  learnServerLimit(): void {
    this.refusedOnce = true;
  }

  /** A new connection: its server may accept more, and none of its channels are open yet. */
  resetLearnedLimit(): void {
    this.refusedOnce = false;
    this.open = 0;
    this.peakOpen = 0;
    this.pump();
  }

  private pump(): void {
    while (this.active < this.limit) {
      const next = this.waiters.shift();
      if (next === undefined) return;
      next();
    }
  }
}
