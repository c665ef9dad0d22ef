import { attachLabVm, type LabVm } from "../../scripts/lab-vm/index";
import { SshPool } from "../../server/ssh/pool";
import { readRunState } from "./run-state";

/** The lab VM globalSetup booted (Debian with LVM and the empty "labdeck-lvm" disk). */
export function labVm(): LabVm {
  const { privateKey, publicKey, ...state } = readRunState().labVm;
  return attachLabVm(state, { privateKey, publicKey });
}

/** Runs one command on the lab VM over its own SSH (not through Labdeck), to read real effects back. */
export async function execOnVm(argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const pool = new SshPool();
  try {
    const r = await pool.exec(labVm().target(), argv, { timeoutMs: 60_000 });
    return { code: r.exitStatus, stdout: r.stdout, stderr: r.stderr };
  } finally {
    await pool.closeAll();
  }
}
