import os from "node:os";
import path from "node:path";
import next from "next";
// The one import of the lab harness outside tests: the demo host, behind DemoHostLauncher.
import { demoHostLauncher } from "../scripts/demo-host-launcher";
import { createConsoleUpgrade, createRuntime } from "./compose";
import { createHttpServer } from "./http/http-server";
import { issueSetupToken } from "./auth/setup-token";
import { prepareDataDir } from "./data-dir";
import { db, openDb } from "./db";
import { env, requestPolicyFromEnv } from "./env";
import { logger } from "./logger";
import { startSecrets } from "./services/secret-start";
import { applyMigrations } from "./migrate";
import { recoverJobs, resumeHostWork } from "./services/startup";

// The one Labdeck process: tRPC on /api/trpc, Next.js for pages, and the HTTP upgrade
// path claimed here for console WebSockets. Migrations are applied before anything listens.
// Start order matters: the data directory is checked (0700) before the database is opened,
// and the secret is checked and sealed keys migrated before the runtime can unseal any.

async function main(): Promise<void> {
  const e = env();
  prepareDataDir(e.LABDECK_DATA_DIR);
  await applyMigrations();
  await openDb();
  await startSecrets(db, { dataDir: e.LABDECK_DATA_DIR, envKey: e.LABDECK_SECRET_KEY });
  // The composition root: every process object is built here, once, and handed down.
  const rt = createRuntime({ demoHost: demoHostLauncher(e.LABDECK_DATA_DIR) });
  await recoverJobs(rt);
  void resumeHostWork(rt).catch((err: unknown) => logger.warn({ err }, "could not resume network changes from a previous run"));

  const dev = e.NODE_ENV !== "production";
  const app = next({ dev, dir: process.cwd(), hostname: e.HOST, port: e.PORT });
  await app.prepare();
  const nextHandler = app.getRequestHandler();
  const policy = requestPolicyFromEnv(e);
  const allowedOrigins = policy.allowedOrigins;

  const nextUpgrade = app.getUpgradeHandler();
  const consoles = createConsoleUpgrade(rt, allowedOrigins);
  // Console WebSockets are claimed first; every other upgrade (dev HMR) is Next's.
  const server = createHttpServer({
    runtime: rt,
    pages: (req, res) => void nextHandler(req, res),
    upgrade: (req, socket, head) => {
      if (!consoles(req, socket, head)) void nextUpgrade(req, socket, head);
    },
    allowedOrigins,
    policy,
    // Listening on every interface, the machine's own name is one it is reached at.
    hostNames: ["0.0.0.0", "::"].includes(e.HOST) ? [os.hostname()] : [e.HOST],
  });

  if ((await db.user.count()) === 0) {
    const tokenFile = path.join(e.LABDECK_DATA_DIR, "setup-token");
    const token = issueSetupToken({ file: tokenFile });
    logger.warn(
      `No users yet. Create the first admin with the one-time setup token: http://${e.HOST}:${e.PORT}/setup?token=${token} ` +
        `(also in ${tokenFile}), or with: npm run admin -- create-admin USERNAME`,
    );
  }

  server.listen(e.PORT, e.HOST, () => {
    logger.info(`Labdeck listening on http://${e.HOST}:${e.PORT} (data in ${e.LABDECK_DATA_DIR})`);
  });

  const shutdown = (signal: string) => {
    logger.info({ signal }, "shutting down");
    server.close();
    consoles.close();
    void rt.ssh.closeAll().finally(() => process.exit(0));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  logger.fatal({ err }, "Labdeck failed to start");
  process.exit(1);
});
