import fs from "node:fs";
import path from "node:path";
import readline from "node:readline/promises";
import { prepareDataDir } from "../server/data-dir";
import { dataDir } from "../server/db-url";
import { env } from "../server/env";
import { applyMigrations } from "../server/migrate";
import { db, openDb } from "../server/db";
import { createFirstAdmin } from "../server/services/auth-service";
import { ZPassword, ZUsername } from "../server/api/routers/users.schema";

// `npm run admin -- create-admin USERNAME`: the first admin from the command line, for a
// Labdeck reached only remotely. The password comes from LABDECK_ADMIN_PASSWORD or a prompt.
// No setup token is asked: a shell on this machine, as the user that owns the data
// directory, is the same proof the token file stands for.

async function readPassword(): Promise<string> {
  if (process.env.LABDECK_ADMIN_PASSWORD) return process.env.LABDECK_ADMIN_PASSWORD;
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question("Password (at least 10 characters): ");
  rl.close();
  return answer;
}

async function main(): Promise<void> {
  const [command, username] = process.argv.slice(2);
  if (command !== "create-admin" || !username) {
    process.stderr.write("usage: npm run admin -- create-admin USERNAME\n");
    process.exit(2);
  }
  const name = ZUsername.safeParse(username);
  if (!name.success) throw new Error(`username: ${name.error.issues[0]?.message ?? "invalid"}`);
  const password = ZPassword.safeParse(await readPassword());
  if (!password.success) throw new Error(`password: ${password.error.issues[0]?.message ?? "invalid"}`);
  prepareDataDir(dataDir());
  await applyMigrations();
  await openDb();
  const user = await createFirstAdmin(db, { username: name.data, password: password.data, proof: { via: "cli" }, ip: "cli" });
  // A running server's web setup is closed by the user existing; its token file goes too.
  fs.rmSync(path.join(env().LABDECK_DATA_DIR, "setup-token"), { force: true });
  process.stdout.write(`created admin ${user.username}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
