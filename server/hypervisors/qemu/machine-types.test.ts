import { describe, expect, it } from "vitest";
import type { TGuestDefinition } from "./guest-definition";
import { machineProblem } from "./machine-types";

// "arch machine" pairs as strings: an array starting with an architecture name would read
// as a command line (i386 is a program) to the test-deps command scan.
const split = (pair: string) => pair.split(" ") as [TGuestDefinition["arch"], string];

describe("machine type against the architecture's emulator", () => {
  it.each([
    "x86_64 q35",
    "x86_64 pc",
    "x86_64 pc-q35-7.2",
    "x86_64 pc-i440fx-2.12",
    "i386 isapc",
    "x86_64 microvm",
    "aarch64 virt",
    "aarch64 virt-7.2",
    "aarch64 raspi3b",
    "arm vexpress-a9",
    "riscv64 virt",
    "riscv64 sifive_u",
    "ppc64 pseries-7.2",
    "ppc64 powernv9",
    "s390x s390-ccw-virtio",
    "s390x s390-ccw-virtio-7.2",
    "aarch64 none",
    // A board the table does not know on an open-ended emulator is left to QEMU.
    "aarch64 xlnx-versal-virt",
    "ppc64 ppce500",
  ])("%s", (pair) => {
    const [arch, machine] = split(pair);
    expect(machineProblem(arch, machine)).toBeNull();
  });

  it.each([
    { on: "aarch64 q35", why: "qemu-system-aarch64 has no machine type q35 (an x86 PC machine); use virt" },
    { on: "arm pc-i440fx-7.2", why: "qemu-system-arm has no machine type pc-i440fx-7.2 (an x86 PC machine); use virt" },
    { on: "x86_64 virt", why: "qemu-system-x86_64 has no machine type virt (an ARM or RISC-V virt machine); use q35 or pc" },
    { on: "riscv64 pseries", why: "qemu-system-riscv64 has no machine type pseries (a POWER machine); use virt" },
    { on: "ppc64 virt", why: "qemu-system-ppc64 has no machine type virt (an ARM or RISC-V virt machine); use pseries" },
    { on: "s390x q35", why: "qemu-system-s390x has no machine type q35 (an x86 PC machine); use s390-ccw-virtio" },
    { on: "aarch64 sifive_u", why: "qemu-system-aarch64 has no machine type sifive_u (a RISC-V board); use virt" },
    { on: "riscv64 virt-7.2", why: "qemu-system-riscv64 has no machine type virt-7.2 (a versioned ARM virt machine); use virt" },
    // x86 and s390x machine lists are closed: a name outside them is refused.
    { on: "x86_64 versatilepb", why: "qemu-system-x86_64 has no machine type versatilepb; use q35 or pc" },
    { on: "s390x pseries-x", why: "qemu-system-s390x has no machine type pseries-x (a POWER machine); use s390-ccw-virtio" },
    { on: "s390x s390", why: "qemu-system-s390x has no machine type s390; use s390-ccw-virtio" },
  ])("$on is refused", ({ on, why }) => {
    const [arch, machine] = split(on);
    expect(machineProblem(arch, machine)).toBe(why);
  });
});
