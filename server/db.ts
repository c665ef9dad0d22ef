import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/prisma/client";
import { databaseUrl } from "./db-url";

// One Prisma client per process. better-sqlite3's `timeout` is SQLite's busy timeout; WAL
// is set once per connection in `openDb` so readers never block the job runner's writes.

const BUSY_TIMEOUT_MS = 5000;

export type Db = PrismaClient;

export function createDb(url = databaseUrl()): PrismaClient {
  const file = url.replace(/^file:/, "");
  // 0700: the database holds password hashes and sealed keys (server/data-dir.ts checks it at start).
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const adapter = new PrismaBetterSQLite3({ url, timeout: BUSY_TIMEOUT_MS });
  return new PrismaClient({ adapter });
}

const globalForDb = globalThis as unknown as { labdeckDb?: PrismaClient; labdeckDbReady?: Promise<void> };

export const db: PrismaClient = (globalForDb.labdeckDb ??= createDb());

/** Applies the per-connection pragmas; awaited once at server start and by tests. */
export function openDb(client: PrismaClient = db): Promise<void> {
  if (client === db && globalForDb.labdeckDbReady) return globalForDb.labdeckDbReady;
  const ready = (async () => {
    await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await client.$queryRawUnsafe(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    await client.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  })();
  if (client === db) globalForDb.labdeckDbReady = ready;
  return ready;
}
