import { describe, expect, it } from "vitest";
import { parseKvmBootCheck } from "./parse-kvm-check";
import { recorded } from "./test-fixtures";

const check = (id: string) => parseKvmBootCheck(recorded("kvm-check", id));

describe("parseKvmBootCheck on real QEMU runs", () => {
  it("passes a boot that reached the root-mount panic (TCG reference, same command)", () => {
    const v = check("tcg-reference");
    expect(v.check).toBe("passed");
    expect(v.usable).toBe(true);
    expect(v.detail).toMatch(/root-mount panic in \d+\.\d s/);
  });

  it("calls the PVM host's -accel kvm run stalled, naming the last console line", () => {
    expect(check("kvm-pvm")).toEqual({
      check: "stalled",
      usable: false,
      detail: 'the guest kernel stalled under KVM and was killed after 20 s; last console line: "Probing EDD (edd=off to disable)... ok"',
    });
  });

  it("treats the runner's own timeout as a stall too", () => {
    const r = { ...recorded("kvm-check", "kvm-pvm"), outcome: "timeout" as const, exitSignal: null };
    expect(parseKvmBootCheck(r).check).toBe("stalled");
  });

  it("fails on QEMU's KVM assertion with -cpu host", () => {
    const v = check("kvm-pvm-cpu-host");
    expect(v.check).toBe("failed");
    expect(v.detail).toContain("failed to set MSR");
  });

  it("fails when the SSH user may not open /dev/kvm", () => {
    expect(check("kvm-no-permission")).toEqual({
      check: "failed",
      usable: false,
      detail: "KVM error: Could not access KVM kernel module: Permission denied",
    });
  });

  it("does not blame KVM for a kernel QEMU could not read", () => {
    const v = check("kernel-unreadable");
    expect(v.check).toBe("not-run");
    expect(v.detail).toContain("could not open kernel file");
  });

  it("never claims usable without the late-boot marker", () => {
    const tcg = recorded("kvm-check", "tcg-reference");
    const cut = { ...tcg, stdout: tcg.stdout.split("Kernel panic")[0]!.replace(/VFS: Unable to mount root fs/g, "") };
    expect(parseKvmBootCheck(cut).usable).toBe(false);
  });
});
