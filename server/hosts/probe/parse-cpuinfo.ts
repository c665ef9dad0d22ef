import { keyValueLines } from "./parse-util";

// /proc/cpuinfo -> CPU count, model and hardware virtualization flags. The flags say what
// the CPU offers the host kernel; they neither prove nor rule out a usable /dev/kvm (a PVM
// host has KVM without vmx/svm), so they are shown as information, never as the verdict.

export interface CpuInfo {
  count: number;
  model: string | null;
  virtFlags: ("vmx" | "svm")[];
}

export function parseCpuinfo(text: string): CpuInfo {
  const blocks = text.split(/\n\s*\n/).filter((b) => /^processor\s*:/m.test(b));
  const first = keyValueLines(blocks[0] ?? text);
  const flags = new Set((first.get("flags") ?? "").split(/\s+/));
  return {
    count: blocks.length,
    model: first.get("model name") ?? first.get("cpu model") ?? null,
    virtFlags: (["vmx", "svm"] as const).filter((f) => flags.has(f)),
  };
}
