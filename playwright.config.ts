import { randomBytes } from "node:crypto";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

// End-to-end tests against the production build (run `npx next build` first; the web
// server here builds nothing) on a free port with a fresh data directory per run. The
// config is evaluated again in every worker: the first evaluation (the runner) picks the
// port and directory and leaves them in the environment, which the workers inherit.

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === "object" ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

process.env.LABDECK_E2E_PORT ??= String(await freePort());
// Only named here: the server and globalSetup create it, so a run that fails early leaves nothing.
process.env.LABDECK_E2E_DIR ??= path.join(os.tmpdir(), `labdeck-e2e-${randomBytes(6).toString("hex")}`);

const port = Number(process.env.LABDECK_E2E_PORT);
const dir = process.env.LABDECK_E2E_DIR;
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  // One Labdeck and one harness host are shared: tests that change them run in order.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [["list"]],
  globalSetup: "./e2e/global-setup.ts",
  globalTeardown: "./e2e/global-teardown.ts",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    { name: "setup", testMatch: /.*\.setup\.ts/ },
    { name: "chromium", testMatch: /.*\.spec\.ts/, dependencies: ["setup"], use: { storageState: path.join(dir, "admin-state.json") } },
  ],
  webServer: {
    // The production server as scripts/run.sh starts it; the server bundle is compiled first
    // (~0.2 s) so a run never tests server code older than the sources.
    command: "node scripts/build-server.mjs && bash scripts/start.sh",
    url: `${baseURL}/api/trpc/auth.setupStatus`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      LABDECK_DATA_DIR: path.join(dir, "data"),
      DATABASE_URL: `file:${path.join(dir, "data", "labdeck.db")}`,
      LOG_LEVEL: "warn",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
