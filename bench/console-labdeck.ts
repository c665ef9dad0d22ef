// The real Labdeck for bench/console.ts: the production build served by server/main.ts (as the
// e2e config runs it) in a child process with a fresh data directory, a first admin made at
// /setup, and a guest created and started through the pages a user sees. Nothing here knows
// the console protocol, so the benchmark keeps working when the protocol changes.
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import type { LabHost } from "../scripts/lab-host";
import type { Credentials } from "../e2e/helpers/auth";
import { fillKernelGuest, guestState, runGuestAction } from "../e2e/helpers/guests";
import { addHost, checkHostKey, confirmHostKey } from "../e2e/helpers/hosts";
import { installTinyGuest } from "../scripts/guest-image/install";
import type { ProbeOptions } from "./console-probe";
import { freePort, startLabdeckServer } from "./support";

export interface Labdeck {
  base: string;
  admin: Credentials;
  setupTokenFile: string;
  stop(): Promise<void>;
}

export async function startLabdeck(): Promise<Labdeck> {
  if (!existsSync(path.resolve(".next/BUILD_ID"))) throw new Error("no production build: run `npx next build` first");
  const dir = await mkdtemp(path.join(os.tmpdir(), "labdeck-bench-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = path.join(dir, "data");
  let server: ChildProcess | undefined;
  const stop = async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server?.once("exit", r));
      server.kill("SIGTERM");
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    server = await startLabdeckServer({ dataDir, port });
    return {
      base,
      admin: { username: "bench_admin", password: "bench-password-0123" },
      setupTokenFile: path.join(dataDir, "setup-token"),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface BenchGuest {
  id: string;
  name: string;
  serialSocket: string;
}

/** Signs in, adds the lab host (pinning its key), creates the tiny TCG guest in the wizard and starts it. */
export async function createGuestThroughPages(page: Page, labdeck: Labdeck, host: LabHost): Promise<BenchGuest> {
  expect.configure({ timeout: 60_000 });
  const tiny = await installTinyGuest(host.runDir);
  // The first admin, made at /setup with the token the server wrote, as a new install does.
  await page.goto("/setup");
  await page.getByLabel("Admin user name").fill(labdeck.admin.username);
  await page.getByLabel("Password", { exact: true }).fill(labdeck.admin.password);
  await page.getByLabel("Confirm password").fill(labdeck.admin.password);
  await page.getByLabel("Setup token").fill((await readFile(labdeck.setupTokenFile, "utf8")).trim());
  await page.getByTestId("setup-submit").click();
  await expect(page.getByTestId("current-user")).toHaveText(labdeck.admin.username);
  await addHost(page, { name: "bench-host", address: host.address, port: host.port, runDir: host.runDir, privateKey: host.privateKey });
  await checkHostKey(page);
  await confirmHostKey(page);
  await page.goto("/guests");
  await page.getByTestId("new-guest").click();
  const name = "bench-tiny";
  await fillKernelGuest(page, {
    hostLabel: `bench-host (${host.address})`,
    name,
    kernel: tiny.kernel,
    initrd: tiny.initrd,
    append: "console=ttyS0 quiet panic=-1",
  });
  await page.getByTestId("wizard-submit").click();
  await expect(page).toHaveURL(/\/guests\/(?!new)[^/]+$/);
  const id = new URL(page.url()).pathname.split("/").pop() ?? "";
  await runGuestAction(page, "start");
  await expect(guestState(page)).toHaveAttribute("data-state", "running");
  return { id, name, serialSocket: `${host.runDir}/guests/${name}/serial.sock` };
}

/** Opens the guest's console page and waits until it says live. */
export async function openConsolePage(page: Page, guestId: string): Promise<void> {
  await page.goto(`/guests/${guestId}/console`);
  await expect(page.getByTestId("console").getByTestId("console-state").locator("[data-phase]")).toHaveAttribute("data-phase", "live", {
    timeout: 60_000,
  });
  await page.getByTestId("console-terminal").click();
}

export async function benchContext(
  browser: Browser,
  base: string,
  init: (arg: ProbeOptions) => void,
  arg: ProbeOptions,
  storageState?: Awaited<ReturnType<BrowserContext["storageState"]>>,
): Promise<BrowserContext> {
  const ctx = await browser.newContext({ baseURL: base, ...(storageState ? { storageState } : {}) });
  // tsx (esbuild keepNames) wraps functions in __name(); the page must have one too.
  await ctx.addInitScript({ content: "globalThis.__name = (f) => f;" });
  await ctx.addInitScript(init, arg);
  return ctx;
}
