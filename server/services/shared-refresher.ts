// One background read per key (a host) per interval, shared by every subscriber: ten open
// pages on a host cost the host what one costs. It runs only while someone is subscribed,
// never overlaps itself (the next read is scheduled when the previous one ends), and a
// subscriber joining late gets the last result at once instead of a read of its own.
// What must not break: a key's timer stops when its last subscriber leaves.

export type Refreshed<T> =
  { key: string; at: number; ok: true; value: T } | { key: string; at: number; ok: false; error: string; code: string | null };

export type RefreshListener<T> = (result: Refreshed<T>) => void;

export interface SharedRefresherOptions<T> {
  intervalMs: number;
  /** Reads one key. Throws on failure; the message reaches subscribers. */
  read: (key: string) => Promise<T>;
  /** The key's last subscriber left: whatever was remembered about it can go. */
  onStop?: (key: string) => void;
}

interface KeyState<T> {
  listeners: Set<RefreshListener<T>>;
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
  /** Another read was asked for while one ran (a change was announced mid-read). */
  again: boolean;
  last: Refreshed<T> | null;
}

export class SharedRefresher<T> {
  private readonly keys = new Map<string, KeyState<T>>();
  /** Reads started, per key: what tests compare with what the host saw. */
  readonly readsStarted = new Map<string, number>();

  constructor(private readonly opts: SharedRefresherOptions<T>) {}

  /** Starts the key's refresh if it is the first subscriber; the returned function leaves. */
  subscribe(key: string, listener: RefreshListener<T>): () => void {
    let state = this.keys.get(key);
    if (!state) {
      state = { listeners: new Set(), timer: null, running: null, again: false, last: null };
      this.keys.set(key, state);
    }
    state.listeners.add(listener);
    if (state.last) listener(state.last);
    // The first subscriber just read the key itself (the page's own, audited, read): wait
    // an interval rather than read it again at once.
    if (!state.timer && !state.running) this.schedule(key, state);
    const s = state;
    return () => {
      s.listeners.delete(listener);
      if (s.listeners.size === 0) this.stop(key, s);
    };
  }

  /** Reads a key now for all its subscribers (after an apply); no-op when nobody watches it. */
  refreshNow(key: string): void {
    const state = this.keys.get(key);
    if (!state || state.listeners.size === 0) return;
    if (state.running) {
      state.again = true;
      return;
    }
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
    this.run(key, state);
  }

  subscribers(key: string): number {
    return this.keys.get(key)?.listeners.size ?? 0;
  }

  /** Resolves when no read is running (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.keys.values()].flatMap((s) => (s.running ? [s.running] : []));
      if (running.length === 0) return;
      await Promise.allSettled(running);
    }
  }

  private schedule(key: string, state: KeyState<T>): void {
    state.timer = setTimeout(() => {
      state.timer = null;
      this.run(key, state);
    }, this.opts.intervalMs);
    state.timer.unref();
  }

  private run(key: string, state: KeyState<T>): void {
    this.readsStarted.set(key, (this.readsStarted.get(key) ?? 0) + 1);
    state.running = (async () => {
      let result: Refreshed<T>;
      try {
        result = { key, at: Date.now(), ok: true, value: await this.opts.read(key) };
      } catch (err) {
        const code = typeof err === "object" && err !== null && "code" in err && typeof err.code === "string" ? err.code : null;
        result = { key, at: Date.now(), ok: false, error: err instanceof Error ? err.message : String(err), code };
      }
      state.last = result;
      for (const l of [...state.listeners]) {
        try {
          l(result);
        } catch {
          // One subscriber's failure (a closed stream) must not starve the others.
        }
      }
    })().finally(() => {
      state.running = null;
      if (state.listeners.size === 0) return this.stop(key, state);
      if (state.again) {
        state.again = false;
        this.run(key, state);
      } else this.schedule(key, state);
    });
  }

  private stop(key: string, state: KeyState<T>): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
    // A read still running finishes and is dropped; the key is forgotten so a later
    // subscriber does not get a result from long ago.
    if (!state.running && this.keys.get(key) === state) {
      this.keys.delete(key);
      this.opts.onStop?.(key);
    }
  }
}
