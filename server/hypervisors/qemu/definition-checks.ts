// The one validation of a guest definition against its host's settings and stored probe,
// shared by save (create, update), "Show commands" (previewDefinition) and start. What
// must not break: anything a start would refuse from the definition and the host row
// alone is refused here, by the same code, so a definition that can be saved can be
// started (the reads a start makes of the host, such as qemu-img info, LVM and -runas,
// are the only refusals left for later). The argv builder is run here for that reason:
// its checks are the start's checks, and a copy of them would drift.
import { LabdeckError, badInput } from "../../errors";
import { assertUnderRoots } from "../../names";
import { guestRunFiles, type TGuestDefinition } from "./guest-definition";
import { guestTapNames } from "./guest-plans";
import { canonicalVolumePath } from "../../../lib/volume-path";
import { machineProblem } from "./machine-types";
import { fillMacs } from "./mac";
import { defaultForwardAddress } from "../../../lib/port-forward";
import { checkNics, withForwardAddresses } from "./nic-checks";
import { buildQemuArgv } from "./qemu-argv";

/** The probe's KVM verdict: a kernel booted under -accel kvm, or why not. */
export interface KvmFacts {
  device: boolean;
  usable: boolean;
  check: "passed" | "failed" | "stalled" | "not-run";
  detail: string;
}

/** What the probe stored that decides whether a definition can run (a subset of ZHostCapabilities). */
export interface ProbeFacts {
  kvm: KvmFacts;
  qemu: { binaries: readonly { name: string }[] };
}

export interface DefinitionHost {
  /** The management address: a forward saved without an address binds it (IPv4 literals only). */
  address: string;
  runDir: string;
  roots: readonly string[];
  /** Null when the host was never probed (or its stored probe no longer parses). */
  probe: ProbeFacts | null;
}

/**
 * Whether the probe has decided that KVM cannot run guests here: no /dev/kvm, or a real
 * kernel failed or stalled under -accel kvm (PVM hosts). "not-run" with a device (no test
 * kernel found) decides nothing, so an explicit kvm is then left to the start.
 */
export function kvmRuledOut(probe: ProbeFacts | null): string | null {
  if (probe === null) return null;
  if (!probe.kvm.device) return `the host has no /dev/kvm (${probe.kvm.detail})`;
  if (probe.kvm.check === "failed" || probe.kvm.check === "stalled")
    return `the host's probe booted a kernel under KVM and it ${probe.kvm.check} (${probe.kvm.detail})`;
  return null;
}

/** KVM only where the host's probe booted a kernel with it; "auto" never guesses. */
export function resolveAccelFor(def: Pick<TGuestDefinition, "accel">, probe: ProbeFacts | null): "kvm" | "tcg" {
  if (def.accel !== "auto") return def.accel;
  return probe?.kvm.usable === true ? "kvm" : "tcg";
}

/** The checks a definition needs against its host's roots only (no SSH, no database). */
export function checkDefinitionPaths(def: TGuestDefinition, roots: readonly string[]): void {
  const under = (field: string, p: string) => assertUnderRoots(field, p, roots);
  const seen = new Set<string>();
  def.disks.forEach((d, i) => {
    const field = `definition.disks.${i}.path`;
    // An LV is under /dev, never under the roots: its path rule is the schema's, and
    // whether it exists is asked of LVM when the guest starts (this runs without SSH).
    if (d.kind !== "block") under(field, d.path);
    if (d.kind === "cdrom") return;
    // QEMU would refuse the second writer of one file or LV at start; say so at save.
    const key = canonicalVolumePath(d.path);
    if (seen.has(key)) throw badInput(field, `${d.path} is already a disk of this guest`);
    seen.add(key);
  });
  if (def.boot.kind === "kernel") {
    under("definition.boot.kernel", def.boot.kernel);
    if (def.boot.initrd) under("definition.boot.initrd", def.boot.initrd);
  }
  const fwd = new Set<string>();
  def.nics.forEach((n, i) => {
    if (n.network.kind !== "user") return;
    for (const f of n.network.forwards) {
      const key = `${f.proto}:${f.hostAddress ?? "*"}:${f.hostPort}`;
      if (fwd.has(key)) throw badInput(`definition.nics.${i}.network.forwards`, `host port ${f.hostPort}/${f.proto} is forwarded twice`);
      fwd.add(key);
    }
  });
}

function checkAgainstProbe(def: TGuestDefinition, probe: ProbeFacts | null): void {
  const noKvm = def.accel === "kvm" ? kvmRuledOut(probe) : null;
  if (noKvm !== null) throw badInput("definition.accel", `KVM is not usable on this host: ${noKvm}; choose auto (TCG here) or tcg`);
  // An empty list decides nothing (QEMU may be installed after the probe); a list without
  // this architecture's emulator is a start that fails with "command not found".
  const bins = probe?.qemu.binaries.map((b) => b.name) ?? [];
  const wanted = `qemu-system-${def.arch}`;
  if (bins.length > 0 && !bins.includes(wanted))
    throw badInput("definition.arch", `the host has no ${wanted} (its probe found ${bins.join(", ")})`);
}

/** The builder names definition fields without the prefix; these are not the definition's. */
const NOT_DEFINITION = /^(files|host|taps)(\.|$)/;

/**
 * Refuses what a start would refuse from `def` and the host row alone, naming the field as
 * `definition.…`; returns the definition as the start uses it (forwards saved without an
 * address bound to the host's management address).
 */
export function checkStartable(input: TGuestDefinition, host: DefinitionHost): TGuestDefinition {
  const def = withForwardAddresses(input, defaultForwardAddress(host.address));
  checkDefinitionPaths(def, host.roots);
  const machine = machineProblem(def.arch, def.machine);
  if (machine !== null) throw badInput("definition.machine", machine);
  checkNics(def, "definition.");
  def.disks.forEach((d, i) => {
    // Never defaulted: raw would hand a real qcow2's metadata to its guest, qcow2 would let
    // a raw disk's content pick host files (README, "A guest never reaches the host").
    if (d.kind === "existing-image" && d.format === undefined) {
      throw badInput(`definition.disks.${i}.format`, `no format is stored for ${d.path}; choose raw or qcow2`);
    }
  });
  checkAgainstProbe(def, host.probe);
  try {
    // The start's own builder, with what the start adds that is not in the definition:
    // MACs generated the way a save generates them and the TAP names a start uses.
    buildQemuArgv(def, {
      files: guestRunFiles(host.runDir, def.name),
      accel: resolveAccelFor(def, host.probe),
      macs: fillMacs(def.nics, []),
      taps: guestTapNames(def),
      roots: host.roots,
      runAs: null,
    });
  } catch (e) {
    if (
      e instanceof LabdeckError &&
      e.code === "BAD_INPUT" &&
      e.field !== undefined &&
      !e.field.startsWith("definition.") &&
      !NOT_DEFINITION.test(e.field)
    ) {
      throw badInput(`definition.${e.field}`, e.message.slice(e.field.length + 2));
    }
    throw e;
  }
  return def;
}
