// A Labdeck process for tests that kill it (SIGKILL: no shutdown handler runs). It is the
// composition of server/main.ts without HTTP and Next.js: the same database file, secret
// key, SSH pool and job runner, driven by one command, then alive until it is killed.
// Run with tsx; the parent sets LABDECK_DATA_DIR and DATABASE_URL and applied migrations.
import { openDb } from "../db";
import { createRuntime } from "../compose";
import { runtimeDeps } from "./runtime";

const [command, json] = process.argv.slice(2);

async function main(): Promise<void> {
  await openDb();
  const rt = createRuntime();
  const deps = runtimeDeps(rt);
  if (command === "network-change") {
    const { runChange } = await import("../services/network/network-change");
    const res = await runChange(deps, JSON.parse(json ?? "{}") as Parameters<typeof runChange>[1]);
    process.stdout.write(`${JSON.stringify(res)}\n`);
  } else {
    throw new Error(`unknown command ${command ?? "(none)"}`);
  }
  setInterval(() => undefined, 60_000);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
