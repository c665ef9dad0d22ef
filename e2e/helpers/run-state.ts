import { readFileSync } from "node:fs";
import path from "node:path";
import type { LabHostState } from "../../scripts/lab-host/index";
import type { LabVmState } from "../../scripts/lab-vm/index";

// What globalSetup hands to the tests: the harness host, the lab VM and the admin's credentials, in a
// JSON file inside this run's temporary directory (LABDECK_E2E_DIR, set by the config).

export interface RunState {
  labHost: LabHostState & { privateKey: string; publicKey: string };
  /** A Debian VM with LVM and an empty disk (serial "labdeck-lvm"), SSH on 127.0.0.1:port. */
  labVm: LabVmState & { privateKey: string; publicKey: string };
  admin: { username: string; password: string };
}

export function runDir(): string {
  const dir = process.env.LABDECK_E2E_DIR;
  if (!dir) throw new Error("LABDECK_E2E_DIR is not set: run the tests with `npx playwright test`");
  return dir;
}

export const runStateFile = (): string => path.join(runDir(), "run-state.json");
export const adminStateFile = (): string => path.join(runDir(), "admin-state.json");

export function readRunState(): RunState {
  return JSON.parse(readFileSync(runStateFile(), "utf8")) as RunState;
}
