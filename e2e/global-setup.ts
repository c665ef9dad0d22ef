import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { labHostsSupported, startLabHost, type LabHost } from "../scripts/lab-host/index";
import { labVmsSupported, startLabVm, type LabVm } from "../scripts/lab-vm/index";
import { randomName } from "./helpers/names";
import { runDir, runStateFile, type RunState } from "./helpers/run-state";
import { installTinyGuest } from "./helpers/tiny-guest";

// Starts the harness host (a real sshd in a network namespace) the tests manage, puts the
// tiny test guest (kernel + initramfs) under its images root, boots the lab VM (a Debian
// guest with LVM and an empty disk, for the storage spec) beside it, and refuses to test
// a production build older than the UI sources. Playwright puts no time limit on global
// setup, which matters here: the VM's image is built once (minutes) and then cached.

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

/** Both started together (the VM boots for 15-30 s under TCG); neither is left running if the other fails. */
async function startHosts(): Promise<{ host: LabHost; vm: LabVm }> {
  const [host, vm] = await Promise.allSettled([
    startLabHost({ name: randomName("e2e"), baseDir: path.join(runDir(), "lab") }).then(async (h) => {
      await installTinyGuest(h.runDir);
      return h;
    }),
    startLabVm({ name: randomName("e2evm"), log: (line) => console.log(`[lab VM] ${line}`) }),
  ]);
  if (host.status === "fulfilled" && vm.status === "fulfilled") return { host: host.value, vm: vm.value };
  if (host.status === "fulfilled") await host.value.stop();
  if (vm.status === "fulfilled") await vm.value.stop();
  throw host.status === "rejected" ? host.reason : (vm as PromiseRejectedResult).reason;
}

export default async function globalSetup(): Promise<void> {
  assertFreshBuild();
  const support = labHostsSupported();
  if (!support.ok) throw new Error(`end-to-end tests need a harness host: ${support.reason ?? "unsupported"}`);
  const vmSupport = labVmsSupported();
  if (!vmSupport.ok) throw new Error(`end-to-end tests need a lab VM (storage): ${vmSupport.reason ?? "unsupported"}`);
  mkdirSync(runDir(), { recursive: true, mode: 0o700 });
  const { host, vm } = await startHosts();
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
    // Its methods are functions, which JSON leaves out: the state and keys remain (attachLabVm rebuilds it).
    labVm: vm,
    admin: { username: randomName("admin").replace(/-/g, "_"), password: `pw-${randomName("admin")}` },
  };
  writeFileSync(runStateFile(), JSON.stringify(state, null, 2), { mode: 0o600 });
}
