// Console tickets: the browser asks tRPC (cookie-authenticated, same-origin) for a ticket,
// then opens the WebSocket with it. A ticket is random, lives 30 s, is bound to one user and
// one guest, and is spent by the first presentation whatever its outcome, so a leaked URL
// (proxy logs, browser history) is worth nothing. Tickets live in this process's memory:
// with several Labdeck instances the issuing and the redeeming instance must be the same
// (DESIGN.md: fan-out then moves to shared pub/sub, and so must these).
import { randomBytes } from "node:crypto";

export const CONSOLE_TICKET_TTL_MS = 30_000;
const MAX_OUTSTANDING = 10_000;

export interface ConsoleTicketGrant {
  userId: string;
  guestId: string;
  /** Operators and admins may type; viewers only watch. */
  canWrite: boolean;
}

export type RedeemResult = { ok: true; canWrite: boolean } | { ok: false; reason: "unknown" | "expired" | "wrong-user" | "wrong-guest" };

interface Entry extends ConsoleTicketGrant {
  expiresAt: number;
}

export class ConsoleTicketStore {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: { ttlMs?: number; now?: () => number } = {}) {
    this.ttlMs = opts.ttlMs ?? CONSOLE_TICKET_TTL_MS;
    this.now = opts.now ?? Date.now;
  }

  issue(grant: ConsoleTicketGrant): { ticket: string; expiresAt: Date } {
    this.sweep();
    if (this.entries.size >= MAX_OUTSTANDING) {
      // Oldest first (Map keeps insertion order): a flood of unredeemed tickets cannot grow memory.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const ticket = randomBytes(32).toString("base64url");
    const expiresAt = this.now() + this.ttlMs;
    this.entries.set(ticket, { userId: grant.userId, guestId: grant.guestId, canWrite: grant.canWrite, expiresAt });
    return { ticket, expiresAt: new Date(expiresAt) };
  }

  redeem(ticket: string | null | undefined, who: { userId: string; guestId: string }): RedeemResult {
    if (!ticket) return { ok: false, reason: "unknown" };
    const entry = this.entries.get(ticket);
    if (entry === undefined) return { ok: false, reason: "unknown" };
    this.entries.delete(ticket);
    if (entry.expiresAt <= this.now()) return { ok: false, reason: "expired" };
    if (entry.userId !== who.userId) return { ok: false, reason: "wrong-user" };
    if (entry.guestId !== who.guestId) return { ok: false, reason: "wrong-guest" };
    return { ok: true, canWrite: entry.canWrite };
  }

  get outstanding(): number {
    return this.entries.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [t, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(t);
  }
}
