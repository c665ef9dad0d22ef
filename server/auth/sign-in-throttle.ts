import net from "node:net";

// Sign-in backoff, per user name and per client address, decided before any password is
// hashed: a refused attempt costs a map lookup, not 19 MiB of argon2. After `free`
// failures each further failure doubles the wait (1 s, 2 s, 4 s … up to `maxDelayMs`);
// a quiet `forgetAfterMs` since the last failure forgets the key. Attempts in flight count
// against the free ones, so a burst of parallel requests cannot all reach the hash.
// Addresses get more free failures than user names (a lab shares a NAT or a proxy), and
// IPv6 clients are keyed by their /64, which one attacker usually holds whole.

export interface ThrottleLimits {
  free: number;
  maxDelayMs: number;
  /** The first wait after the free failures (default 1 s); doubles from there. */
  baseDelayMs?: number;
}

export interface SignInThrottleOptions {
  user?: ThrottleLimits;
  address?: ThrottleLimits;
  forgetAfterMs?: number;
  maxKeys?: number;
  now?: () => number;
}

export type ThrottleScope = "user" | "address";

export interface SignInAttempt {
  succeeded(): void;
  failed(): void;
}

export type BeginResult = { ok: true; attempt: SignInAttempt } | { ok: false; scope: ThrottleScope; retryAfterSeconds: number };

interface KeyState {
  failures: number;
  inflight: number;
  blockedUntil: number;
  lastFailureAt: number;
}

/** The throttling key of a client address: IPv4 as is, IPv6 by its /64. */
export function addressKey(ip: string): string {
  const a = ip.toLowerCase();
  if (a.startsWith("::ffff:") && net.isIPv4(a.slice(7))) return a.slice(7);
  if (!net.isIPv6(a)) return a;
  const [head = "", tail = ""] = a.split("::");
  const h = head ? head.split(":") : [];
  const t = a.includes("::") ? (tail ? tail.split(":") : []) : [];
  const groups = a.includes("::") ? [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t] : h;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

class KeyTable {
  private readonly map = new Map<string, KeyState>();

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly forgetAfterMs: number,
    private readonly maxKeys: number,
  ) {}

  private state(key: string, now: number): KeyState {
    let s = this.map.get(key);
    if (s && s.inflight === 0 && s.blockedUntil <= now && now - s.lastFailureAt > this.forgetAfterMs) s = undefined;
    if (!s) s = { failures: 0, inflight: 0, blockedUntil: 0, lastFailureAt: 0 };
    // Re-inserted so the Map's order is least recently used first: a flood of new keys
    // evicts idle ones, never grows memory past maxKeys.
    this.map.delete(key);
    this.map.set(key, s);
    while (this.map.size > this.maxKeys) {
      const oldest = this.map.keys().next().value;
      if (oldest === undefined) break;
      this.map.delete(oldest);
    }
    return s;
  }

  /** Milliseconds to wait, or 0 when an attempt may start now. */
  wait(key: string, now: number): number {
    const s = this.state(key, now);
    if (s.blockedUntil > now) return s.blockedUntil - now;
    const slots = Math.max(1, this.limits.free - s.failures);
    return s.inflight >= slots ? 1000 : 0;
  }

  start(key: string, now: number): void {
    this.state(key, now).inflight++;
  }

  finish(key: string, now: number, outcome: "ok" | "failed" | "ok-keep"): void {
    const s = this.state(key, now);
    s.inflight = Math.max(0, s.inflight - 1);
    if (outcome === "ok") {
      s.failures = 0;
      s.blockedUntil = 0;
    } else if (outcome === "failed") {
      s.failures++;
      s.lastFailureAt = now;
      const over = s.failures - this.limits.free;
      if (over >= 0) s.blockedUntil = now + Math.min(this.limits.maxDelayMs, (this.limits.baseDelayMs ?? 1000) * 2 ** over);
    }
  }

  get size(): number {
    return this.map.size;
  }
}

export class SignInThrottle {
  private readonly users: KeyTable;
  private readonly addresses: KeyTable;
  private readonly now: () => number;

  constructor(opts: SignInThrottleOptions = {}) {
    const forget = opts.forgetAfterMs ?? 15 * 60_000;
    const maxKeys = opts.maxKeys ?? 10_000;
    this.users = new KeyTable(opts.user ?? { free: 5, maxDelayMs: 15 * 60_000 }, forget, maxKeys);
    this.addresses = new KeyTable(opts.address ?? { free: 20, maxDelayMs: 15 * 60_000 }, forget, maxKeys);
    this.now = opts.now ?? Date.now;
  }

  begin(who: { username: string; ip: string }): BeginResult {
    const now = this.now();
    const user = who.username.toLowerCase();
    const address = addressKey(who.ip);
    const waits: [ThrottleScope, number][] = [
      ["address", this.addresses.wait(address, now)],
      ["user", this.users.wait(user, now)],
    ];
    const [scope, ms] = waits.reduce((a, b) => (b[1] > a[1] ? b : a));
    if (ms > 0) return { ok: false, scope, retryAfterSeconds: Math.ceil(ms / 1000) };
    this.users.start(user, now);
    this.addresses.start(address, now);
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      const t = this.now();
      this.users.finish(user, t, ok ? "ok" : "failed");
      // A success does not clear the address: one valid account must not reset the
      // counter of an address guessing other users' passwords.
      this.addresses.finish(address, t, ok ? "ok-keep" : "failed");
    };
    return { ok: true, attempt: { succeeded: () => finish(true), failed: () => finish(false) } };
  }

  get keys(): { users: number; addresses: number } {
    return { users: this.users.size, addresses: this.addresses.size };
  }
}
