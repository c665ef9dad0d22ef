// Clears up lab VMs a crashed test run left behind. QEMU is daemonized and outlives its
// starter, and each one is a TCG guest eating CPU on a shared 2-core machine. A VM is only
// stopped when its owner is gone (or it was started detached and the caller asks), and a
// pid is only killed when its command line names this very VM: pids get reused.
import { readdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { processAlive } from "../lab-host/netns";
import { DEFAULT_LAB_VM_BASE_DIR, loadLabVm, type LabVmState } from "./lab-vm";
import { stopQemu } from "./qemu";

export interface LabVmCleanupReport {
  stopped: string[];
  kept: string[];
}

async function isThisVmsQemu(pid: number, name: string): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  return cmdline.split("\0").includes(`labdeck-${name}`);
}

export async function cleanupStaleLabVms(opts: { baseDir?: string; includeDetached?: boolean } = {}): Promise<LabVmCleanupReport> {
  const baseDir = opts.baseDir ?? DEFAULT_LAB_VM_BASE_DIR;
  const report: LabVmCleanupReport = { stopped: [], kept: [] };
  for (const name of (await readdir(baseDir).catch(() => [] as string[])).sort()) {
    const dir = path.join(baseDir, name);
    const text = await readFile(path.join(dir, "state.json"), "utf8").catch(() => null);
    if (text === null) {
      // Being started right now by another process (state.json comes seconds after mkdir).
      const age = Date.now() - ((await stat(dir).catch(() => null))?.mtimeMs ?? 0);
      if (age < 5 * 60_000) {
        report.kept.push(name);
        continue;
      }
      // Its starter died before writing state: only the pid file can name the process,
      // and only if the command line agrees.
      const pid = Number((await readFile(path.join(dir, "qemu.pid"), "utf8").catch(() => "")).trim());
      if (Number.isInteger(pid) && pid > 0 && (await isThisVmsQemu(pid, name))) {
        await stopQemu(pid, path.join(dir, "qmp.sock"), false);
      }
      await rm(dir, { recursive: true, force: true });
      report.stopped.push(name);
      continue;
    }
    const state = JSON.parse(text) as LabVmState;
    const ownerGone = !(await processAlive(state.ownerPid));
    if ((state.detached && !opts.includeDetached) || (!state.detached && !ownerGone)) {
      report.kept.push(name);
      continue;
    }
    if (!(await isThisVmsQemu(state.qemuPid, name))) {
      await rm(dir, { recursive: true, force: true });
    } else {
      await (await loadLabVm(dir)).stop();
    }
    report.stopped.push(name);
  }
  return report;
}
