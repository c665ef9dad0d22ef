import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { labHostsSupported, startLabHost } from "../scripts/lab-host/index";
import { randomName } from "./helpers/names";
import { runDir, runStateFile, type RunState } from "./helpers/run-state";
import { installTinyGuest } from "./helpers/tiny-guest";

// Starts the harness host (a real sshd in a network namespace) the tests manage, puts the
// tiny test guest (kernel + initramfs) under its images root, and refuses to test a production build older than the UI sources.

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function assertFreshBuild(): void {
  const buildId = path.resolve(".next/BUILD_ID");
  if (!existsSync(buildId)) throw new Error("no production build: run `npx next build` before `npx playwright test`");
  const sources = Math.max(newestMtime(path.resolve("app")), newestMtime(path.resolve("components")));
  if (sources > statSync(buildId).mtimeMs && process.env.LABDECK_E2E_ALLOW_STALE_BUILD !== "1") {
    throw new Error("app/ or components/ changed after the last `npx next build`: rebuild (or set LABDECK_E2E_ALLOW_STALE_BUILD=1)");
  }
}

export default async function globalSetup(): Promise<void> {
  assertFreshBuild();
  const support = labHostsSupported();
  if (!support.ok) throw new Error(`end-to-end tests need a harness host: ${support.reason ?? "unsupported"}`);
  mkdirSync(runDir(), { recursive: true, mode: 0o700 });
  const host = await startLabHost({ name: randomName("e2e"), baseDir: path.join(runDir(), "lab") });
  await installTinyGuest(host.runDir);
  const state: RunState = {
    labHost: {
      name: host.name,
      namespace: host.namespace,
      slot: host.slot,
      veth: host.veth,
      address: host.address,
      gateway: host.gateway,
      port: host.port,
      username: host.username,
      dir: host.dir,
      runDir: host.runDir,
      privateKeyFile: host.privateKeyFile,
      hostKeyFingerprint: host.hostKeyFingerprint,
      detached: host.detached,
      privateKey: host.privateKey,
      publicKey: host.publicKey,
    },
    admin: { username: randomName("admin").replace(/-/g, "_"), password: `pw-${randomName("admin")}` },
  };
  writeFileSync(runStateFile(), JSON.stringify(state, null, 2), { mode: 0o600 });
}
