import { describe, expect, it } from "vitest";
import { machineProblem } from "./machine-types";

describe("machine type against the architecture's emulator", () => {
  it.each([
    ["x86_64", "q35"],
    ["x86_64", "pc"],
    ["x86_64", "pc-q35-7.2"],
    ["x86_64", "pc-i440fx-2.12"],
    ["i386", "isapc"],
    ["x86_64", "microvm"],
    ["aarch64", "virt"],
    ["aarch64", "virt-7.2"],
    ["aarch64", "raspi3b"],
    ["arm", "vexpress-a9"],
    ["riscv64", "virt"],
    ["riscv64", "sifive_u"],
    ["ppc64", "pseries-7.2"],
    ["ppc64", "powernv9"],
    ["s390x", "s390-ccw-virtio"],
    ["s390x", "s390-ccw-virtio-7.2"],
    ["aarch64", "none"],
    // A board the table does not know on an open-ended emulator is left to QEMU.
    ["aarch64", "xlnx-versal-virt"],
    ["ppc64", "ppce500"],
  ] as const)("%s runs %s", (arch, machine) => {
    expect(machineProblem(arch, machine)).toBeNull();
  });

  it.each([
    ["aarch64", "q35", "qemu-system-aarch64 has no machine type q35 (an x86 PC machine); use virt"],
    ["arm", "pc-i440fx-7.2", "qemu-system-arm has no machine type pc-i440fx-7.2 (an x86 PC machine); use virt"],
    ["x86_64", "virt", "qemu-system-x86_64 has no machine type virt (an ARM or RISC-V virt machine); use q35 or pc"],
    ["riscv64", "pseries", "qemu-system-riscv64 has no machine type pseries (a POWER machine); use virt"],
    ["ppc64", "virt", "qemu-system-ppc64 has no machine type virt (an ARM or RISC-V virt machine); use pseries"],
    ["s390x", "q35", "qemu-system-s390x has no machine type q35 (an x86 PC machine); use s390-ccw-virtio"],
    ["aarch64", "sifive_u", "qemu-system-aarch64 has no machine type sifive_u (a RISC-V board); use virt"],
    ["riscv64", "virt-7.2", "qemu-system-riscv64 has no machine type virt-7.2 (a versioned ARM virt machine); use virt"],
    // x86 and s390x machine lists are closed: a name outside them is refused.
    ["x86_64", "versatilepb", "qemu-system-x86_64 has no machine type versatilepb; use q35 or pc"],
    ["s390x", "pseries-x", "qemu-system-s390x has no machine type pseries-x (a POWER machine); use s390-ccw-virtio"],
    ["s390x", "s390", "qemu-system-s390x has no machine type s390; use s390-ccw-virtio"],
  ] as const)("%s refuses %s", (arch, machine, why) => {
    expect(machineProblem(arch, machine)).toBe(why);
  });
});
