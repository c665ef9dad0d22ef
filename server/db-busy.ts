import { LabdeckError } from "./errors";
import { logger } from "./logger";

// SQLite has one writer at a time. Labdeck's own connection waits up to its busy timeout
// (server/db.ts) for the lock, but another process (a backup, an admin's sqlite3 shell, a
// second Labdeck by mistake) can hold it for longer, and Prisma then throws P1008. A write
// that records something that already happened on a host (an audit row, a job's transcript
// and final status) must not be dropped for that: it is retried here until it lands or a
// budget runs out, and then fails with an error that says what could not be recorded.

const DEFAULT_BUDGET_MS = 120_000;

/** Prisma's error for SQLITE_BUSY/SQLITE_LOCKED through the better-sqlite3 adapter. */
export function isDbBusy(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { code?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } };
  const original = e.meta?.driverAdapterError?.cause?.originalCode;
  if (typeof original === "string") return original.startsWith("SQLITE_BUSY") || original.startsWith("SQLITE_LOCKED");
  return e.code === "P1008" || e.code === "SQLITE_BUSY";
}

export interface BusyRetryOptions {
  /** Give up after this long (counted from the first attempt). */
  budgetMs?: number;
}

/** Runs `write`, again while the database is locked by someone else; other errors pass through at once. */
export async function retryWhileBusy<T>(what: string, write: () => Promise<T>, opts: BusyRetryOptions = {}): Promise<T> {
  const budget = opts.budgetMs ?? DEFAULT_BUDGET_MS;
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!isDbBusy(err)) throw err;
      const waited = Date.now() - started;
      if (waited >= budget) {
        throw new LabdeckError(
          "INTERNAL",
          `${what}: the database stayed locked by another writer for ${Math.round(waited / 1000)} s; not recorded`,
          { cause: err },
        );
      }
      logger.warn({ what, attempt, waitedMs: waited }, "database locked by another writer; retrying the write");
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** Math.min(attempt - 1, 4), 1_000)));
    }
  }
}
