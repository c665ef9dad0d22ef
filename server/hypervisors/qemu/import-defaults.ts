// What QEMU itself does with what a pasted command line leaves out (QEMU 7.2, the lab's
// version), and what a chosen host forces on an imported definition. What must not break:
// an import never changes the guest without saying so; every value filled in here, and
// every value the host forces, is listed as a difference with what the line said or meant.
import type { ImportDifference, ImportResult } from "../contract";
import type { TGuestDefinitionInput } from "./guest-definition";
import { kvmRuledOut, resolveAccelFor, type ProbeFacts } from "./definition-checks";

/** A pasted QEMU line read back as a definition, with what was not mapped and every difference. */
export type QemuImport = ImportResult<TGuestDefinitionInput>;

type Arch = NonNullable<TGuestDefinitionInput["arch"]>;
type NicModel = NonNullable<NonNullable<TGuestDefinitionInput["nics"]>[number]["model"]>;

/**
 * QEMU's default machine per emulator; null where QEMU has none (it refuses to start
 * without -M), so the import picks the usual one and says so.
 */
export const QEMU_DEFAULT_MACHINE: Record<Arch, string | null> = {
  x86_64: "pc",
  i386: "pc",
  ppc64: "pseries",
  s390x: "s390-ccw-virtio",
  aarch64: null,
  arm: null,
  riscv64: null,
};
const USUAL_MACHINE: Record<Arch, string> = {
  x86_64: "pc",
  i386: "pc",
  ppc64: "pseries",
  s390x: "s390-ccw-virtio",
  aarch64: "virt",
  arm: "virt",
  riscv64: "virt",
};

/** QEMU 7.2's default memory (the line has no -m). */
export const QEMU_DEFAULT_MEMORY_MIB = 128;

/**
 * The NIC QEMU adds when the line has no -net, -nic, -netdev and no -nodefaults: its
 * machine's default model on user networking. q35's e1000e is not a Labdeck model.
 */
export function qemuDefaultNic(machine: string): { model: NicModel; qemuModel: string } {
  if (/^(pc-)?q35/.test(machine)) return { model: "e1000", qemuModel: "e1000e" };
  if (machine === "virt" || machine === "s390-ccw-virtio")
    return { model: "virtio", qemuModel: machine === "virt" ? "virtio-net-pci" : "virtio-net-ccw" };
  if (machine === "pseries") return { model: "virtio", qemuModel: "spapr-vlan" };
  return { model: "e1000", qemuModel: "e1000" };
}

/** The machine an import uses when the line names none, and how it differs from QEMU's. */
export function defaultMachine(arch: Arch): { machine: string; difference: ImportDifference } {
  const qemu = QEMU_DEFAULT_MACHINE[arch];
  const machine = qemu ?? USUAL_MACHINE[arch];
  return {
    machine,
    difference:
      qemu !== null
        ? {
            field: "machine",
            line: `no -machine: QEMU's default for qemu-system-${arch} is ${qemu}`,
            definition: `${machine} (kept; the wizard's own default is q35)`,
            kind: "default",
          }
        : {
            field: "machine",
            line: `no -machine: qemu-system-${arch} has no default and would refuse to start`,
            definition: `${machine} (the usual one; check it)`,
            kind: "default",
          },
  };
}

/**
 * The import as it will run on a host: KVM where its probe ruled KVM out becomes auto
 * (TCG there, KVM once a probe finds it usable), and -cpu host, which needs KVM, becomes
 * max under TCG. Both are listed; nothing else is changed.
 */
export function importForHost(r: QemuImport, host: { name: string; probe: ProbeFacts | null }): QemuImport {
  const def = { ...r.definition };
  const differences = [...r.differences];
  const warnings = [...r.warnings];
  const noKvm = def.accel === "kvm" ? kvmRuledOut(host.probe) : null;
  if (noKvm !== null) {
    def.accel = "auto";
    differences.push({
      field: "accel",
      line: "kvm (KVM only: the line runs kvm, -enable-kvm or -accel kvm)",
      definition: `auto: TCG on ${host.name}, because ${noKvm}`,
      kind: "host",
    });
  }
  const accel = resolveAccelFor({ accel: def.accel ?? "auto" }, host.probe);
  if (accel === "tcg" && def.cpuModel !== undefined && /^host(,|$)/.test(def.cpuModel)) {
    differences.push({
      field: "cpuModel",
      line: `-cpu ${def.cpuModel} (needs KVM)`,
      definition: `max (the closest CPU under TCG on ${host.name})`,
      kind: "host",
    });
    def.cpuModel = "max";
  }
  const bins = host.probe?.qemu.binaries.map((b) => b.name) ?? [];
  const wanted = `qemu-system-${def.arch ?? "x86_64"}`;
  if (bins.length > 0 && !bins.includes(wanted))
    warnings.push(`arch: ${host.name} has no ${wanted} (its probe found ${bins.join(", ")}); choose another host`);
  return { ...r, definition: def, differences, warnings };
}
