import { z } from "zod";
import type { Db } from "../db";

// Failed and throttled sign-ins are audited as one row per (user name, address) per window,
// whose counts are kept current, instead of one row per request: a password-guessing flood
// must not grow the audit table (or the disk) by a row a try. The row is written before
// the refusal is answered; concurrent attempts on one row share its writes, each caller
// waiting until a write that includes its own attempt has landed.

export const ZFailedSignInDetails = z.object({
  ip: z.string(),
  failures: z.number().int().nonnegative(),
  throttled: z.number().int().nonnegative(),
  firstAt: z.string(),
  lastAt: z.string(),
});
export type TFailedSignInDetails = z.infer<typeof ZFailedSignInDetails>;

interface Entry {
  username: string;
  ip: string;
  windowStart: number;
  rowId: string | null;
  failures: number;
  throttled: number;
  firstAt: number;
  lastAt: number;
  writing: Promise<void> | null;
  dirty: boolean;
}

export class FailedSignInAudit {
  private readonly entries = new Map<string, Entry>();
  private readonly windowMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(opts: { windowMs?: number; maxEntries?: number; now?: () => number } = {}) {
    this.windowMs = opts.windowMs ?? 15 * 60_000;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** Counts one attempt into the current window's row and waits until that count is stored. */
  record(db: Db, input: { username: string; ip: string; outcome: "failed" | "throttled" }): Promise<void> {
    const now = this.now();
    const key = `${input.username}\u0000${input.ip}`;
    let e = this.entries.get(key);
    if (!e || now - e.windowStart >= this.windowMs) {
      e = {
        username: input.username,
        ip: input.ip,
        windowStart: now,
        rowId: null,
        failures: 0,
        throttled: 0,
        firstAt: now,
        lastAt: now,
        writing: null,
        dirty: false,
      };
      this.entries.delete(key);
      this.entries.set(key, e);
      while (this.entries.size > this.maxEntries) {
        const oldest = this.entries.keys().next().value;
        if (oldest === undefined) break;
        this.entries.delete(oldest);
      }
    }
    if (input.outcome === "failed") e.failures++;
    else e.throttled++;
    e.lastAt = now;
    return this.flush(db, e);
  }

  private flush(db: Db, e: Entry): Promise<void> {
    e.dirty = true;
    e.writing ??= (async () => {
      try {
        while (e.dirty) {
          e.dirty = false;
          await this.write(db, e);
        }
      } finally {
        e.writing = null;
      }
    })();
    return e.writing;
  }

  private async write(db: Db, e: Entry): Promise<void> {
    const details = ZFailedSignInDetails.parse({
      ip: e.ip,
      failures: e.failures,
      throttled: e.throttled,
      firstAt: new Date(e.firstAt).toISOString(),
      lastAt: new Date(e.lastAt).toISOString(),
    });
    const detailsJson = JSON.stringify(details);
    if (e.rowId === null) {
      const row = await db.auditEvent.create({
        data: { userId: null, username: e.username, kind: "auth", action: "sign-in", outcome: "failed", detailsJson },
      });
      e.rowId = row.id;
    } else {
      await db.auditEvent.update({ where: { id: e.rowId }, data: { detailsJson } });
    }
  }
}
