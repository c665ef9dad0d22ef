import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// Tests run against a real SQLite file in a fresh data directory with every migration
// applied, exactly as the server does at start. Call before importing server modules
// (they read the environment once).

export async function useTempDataDir(prefix = "labdeck-test-"): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.env.LABDECK_DATA_DIR = dir;
  process.env.DATABASE_URL = `file:${path.join(dir, "labdeck.db")}`;
  process.env.LOG_LEVEL ??= "warn";
  const { applyMigrations } = await import("../migrate");
  await applyMigrations();
  const { openDb } = await import("../db");
  await openDb();
  return dir;
}
