import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import { LabdeckError } from "./errors";

// Pending migrations are applied on every start with Prisma's own `migrate deploy` (JS
// engine, see prisma.config.ts), so an upgraded Labdeck never runs on an old schema.

const run = promisify(execFile);

export async function applyMigrations(): Promise<void> {
  const require = createRequire(import.meta.url);
  const cli = require.resolve("prisma/build/index.js");
  try {
    await run(process.execPath, [cli, "migrate", "deploy"], { env: process.env, timeout: 120_000 });
  } catch (cause) {
    const stderr = (cause as { stderr?: string }).stderr ?? "";
    const stdout = (cause as { stdout?: string }).stdout ?? "";
    throw new LabdeckError("INTERNAL", `database migration failed:\n${stdout}\n${stderr}`, { cause });
  }
}
