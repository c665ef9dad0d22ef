import type { ExecResult } from "../../ssh/types";
import type { TKvmCheck } from "./capabilities";
import { KVM_BOOT_KILL_AFTER_S } from "./commands";

// Verdict of the KVM boot check (see kvmBootArgv). "usable" is claimed only on positive
// evidence that a guest kernel ran to its root-mount panic; silence, a kill by timeout or
// any KVM error is "not usable". Do not loosen this to "QEMU started": on PVM hosts QEMU
// starts fine under -accel kvm and the guest then never gets past the real-mode stub.

export interface KvmCheckVerdict {
  check: TKvmCheck;
  usable: boolean;
  detail: string;
}

const REACHED_LATE_BOOT = /Kernel panic - not syncing|VFS: Unable to mount root fs/;

const KVM_FAILURES = [
  /KVM internal error/i,
  /internal-error/i,
  /KVM: entry failed/i,
  /kvm run failed/i,
  /failed to initialize kvm/i,
  /Could not access KVM kernel module/i,
  // glibc's assert() prints "file:line: func: Assertion `expr' failed."; the fixed part is
  // enough, and `Assertion .* failed` is quadratic on a line repeating "Assertion ".
  /: Assertion `/,
  /failed to set MSR/i,
];

const KERNEL_UNREADABLE = /could not (open|load) kernel/i;

type CheckResult = Pick<ExecResult, "outcome" | "exitStatus" | "exitSignal" | "stdout" | "stderr"> & { durationMs?: number };

function lines(text: string): string[] {
  return text
    .replace(/\r/g, "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

export function parseKvmBootCheck(r: CheckResult): KvmCheckVerdict {
  const out = lines(r.stdout);
  const err = lines(r.stderr);
  const unreadable = err.find((l) => KERNEL_UNREADABLE.test(l));
  if (unreadable) {
    return { check: "not-run", usable: false, detail: `QEMU could not load the test kernel: ${unreadable}` };
  }
  const failure = [...err, ...out].find((l) => KVM_FAILURES.some((re) => re.test(l)));
  if (failure) return { check: "failed", usable: false, detail: `KVM error: ${failure}` };

  const late = out.find((l) => REACHED_LATE_BOOT.test(l));
  if (late) {
    const took = r.durationMs !== undefined ? ` in ${(r.durationMs / 1000).toFixed(1)} s` : "";
    return { check: "passed", usable: true, detail: `a guest kernel booted under KVM to its root-mount panic${took}` };
  }

  const killed = r.outcome === "timeout" || r.exitStatus === 137 || /^(SIG)?KILL$/.test(r.exitSignal ?? "");
  if (killed) {
    const last = out.at(-1);
    const where = last ? `; last console line: "${last.replace(/^\[\s*[\d.]+\]\s*/, "")}"` : "; no console output";
    return {
      check: "stalled",
      usable: false,
      detail: `the guest kernel stalled under KVM and was killed after ${KVM_BOOT_KILL_AFTER_S} s${where}`,
    };
  }

  const why = err.at(-1) ?? out.at(-1) ?? "no output";
  const status = r.exitStatus === null ? `signal ${r.exitSignal ?? "?"}` : `status ${r.exitStatus}`;
  return { check: "failed", usable: false, detail: `QEMU exited with ${status} before the guest kernel finished booting: ${why}` };
}
