import { existsSync, rmSync } from "node:fs";
import { attachLabHost } from "../scripts/lab-host/index";
import { attachLabVm } from "../scripts/lab-vm/index";
import { readRunState, runDir, runStateFile } from "./helpers/run-state";

// Stops the harness host (namespace, veth, sshd) and the lab VM (QEMU), and removes this
// run's directory unless LABDECK_E2E_KEEP=1 asks to keep the database and lab files for a
// post-mortem.

export default async function globalTeardown(): Promise<void> {
  if (existsSync(runStateFile())) {
    const { labHost, labVm } = readRunState();
    const { privateKey, publicKey, ...state } = labHost;
    const { privateKey: vmKey, publicKey: vmPublicKey, ...vmState } = labVm;
    await Promise.all([
      attachLabHost(state, { privateKey, publicKey }).stop(),
      attachLabVm(vmState, { privateKey: vmKey, publicKey: vmPublicKey }).stop(),
    ]);
  }
  if (process.env.LABDECK_E2E_KEEP === "1") {
    console.log(`kept the e2e run directory ${runDir()}`);
    return;
  }
  rmSync(runDir(), { recursive: true, force: true });
}
