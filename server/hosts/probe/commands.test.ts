import { describe, expect, it } from "vitest";
import { PROBE_STEPS, kvmBootArgv, kvmBootStep, versionStep } from "./commands";
import { manifest } from "./test-fixtures";

describe("probe commands", () => {
  it("have unique ids and run no shell", () => {
    expect(new Set(PROBE_STEPS.map((s) => s.id)).size).toBe(PROBE_STEPS.length);
    for (const s of PROBE_STEPS) expect(["sh", "bash", "/bin/sh"]).not.toContain(s.argv[0]);
  });

  it("are the commands the KVM fixtures were captured with", () => {
    const byId = new Map(manifest("kvm-check").map((e) => [e.id, e.argv]));
    const kvm = byId.get("kvm-pvm") ?? [];
    const kernel = kvm[kvm.indexOf("-kernel") + 1] ?? "";
    expect(kvm).toEqual(kvmBootArgv("/usr/bin/qemu-system-x86_64", kernel));
    expect(byId.get("tcg-reference")).toEqual(kvmBootArgv("/usr/bin/qemu-system-x86_64", kernel, "tcg"));
  });

  it("give the runner more time than the host-side kill of the KVM check", () => {
    const step = kvmBootStep("/usr/bin/qemu-system-x86_64", "/boot/vmlinuz");
    expect(step.timeoutMs).toBeGreaterThan(Number(step.argv[3]) * 1000);
  });

  it("use each tool's own version flag", () => {
    expect(versionStep("lvm", "/usr/sbin/lvm").argv).toEqual(["/usr/sbin/lvm", "version"]);
    expect(versionStep("qemu-system-aarch64", "/usr/bin/qemu-system-aarch64").argv).toEqual(["/usr/bin/qemu-system-aarch64", "--version"]);
    expect(versionStep("iptables", "/usr/sbin/iptables").argv).toEqual(["/usr/sbin/iptables", "-V"]);
  });
});
