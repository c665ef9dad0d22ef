// Which QEMU machine types an architecture's emulator has, as far as a definition can be
// judged without asking the host (`qemu-system-ARCH -machine help`). `q35` on
// qemu-system-aarch64 is refused at save, not at start with "unsupported machine type".
// What must not break: only a machine that is certainly not the architecture's is refused.
// The x86 and s390x emulators' machine lists are short and fixed (every versioned name has
// a known prefix), so those are allow-lists; ARM, RISC-V and POWER have dozens of boards,
// so there only a name known to belong to another family is refused.
import type { TGuestDefinition } from "./guest-definition";

type Arch = TGuestDefinition["arch"];

const X86: readonly Arch[] = ["x86_64", "i386"];

interface Family {
  label: string;
  arches: readonly Arch[];
  /** Exact names, and prefixes of versioned names ("pc-q35-7.2"). */
  names: readonly string[];
  prefixes: readonly string[];
}

const FAMILIES: readonly Family[] = [
  {
    label: "an x86 PC machine",
    arches: X86,
    names: ["pc", "q35", "isapc", "microvm", "xenfv", "xenpv", "x-remote"],
    prefixes: ["pc-", "xenfv-"],
  },
  { label: "an s390x machine", arches: ["s390x"], names: ["s390-ccw-virtio"], prefixes: ["s390-ccw-virtio-"] },
  {
    label: "a POWER machine",
    arches: ["ppc64"],
    names: ["pseries", "powernv", "powernv8", "powernv9", "powernv10", "mac99", "g3beige"],
    prefixes: ["pseries-"],
  },
  // riscv64's "virt" has no versioned names; ARM's do (virt-7.2).
  { label: "an ARM or RISC-V virt machine", arches: ["aarch64", "arm", "riscv64"], names: ["virt"], prefixes: [] },
  { label: "a versioned ARM virt machine", arches: ["aarch64", "arm"], names: [], prefixes: ["virt-"] },
  {
    label: "a RISC-V board",
    arches: ["riscv64"],
    names: ["spike", "sifive_u", "sifive_e", "shakti_c", "microchip-icicle-kit", "opentitan"],
    prefixes: [],
  },
  {
    label: "an ARM board",
    arches: ["aarch64", "arm"],
    names: ["sbsa-ref", "raspi3b", "raspi3ap", "raspi2b", "xlnx-zcu102", "vexpress-a9", "vexpress-a15"],
    prefixes: [],
  },
];

/** Architectures whose emulator's whole machine list is known: anything outside it is refused. */
const CLOSED: readonly Arch[] = ["x86_64", "i386", "s390x"];

const SUGGESTION: Record<Arch, string> = {
  x86_64: "q35 or pc",
  i386: "q35 or pc",
  aarch64: "virt",
  arm: "virt",
  riscv64: "virt",
  ppc64: "pseries",
  s390x: "s390-ccw-virtio",
};

function familyOf(machine: string): Family | undefined {
  return FAMILIES.find((f) => f.names.includes(machine) || f.prefixes.some((p) => machine.startsWith(p) && machine.length > p.length));
}

/** Why `machine` cannot run on qemu-system-`arch`, or null when it can (or cannot be judged here). */
export function machineProblem(arch: Arch, machine: string): string | null {
  // "none" (no board at all) exists on every emulator.
  if (machine === "none") return null;
  const family = familyOf(machine);
  if (family && !family.arches.includes(arch)) {
    return `qemu-system-${arch} has no machine type ${machine} (${family.label}); use ${SUGGESTION[arch]}`;
  }
  if (!family && CLOSED.includes(arch)) {
    return `qemu-system-${arch} has no machine type ${machine}; use ${SUGGESTION[arch]}`;
  }
  return null;
}
