import { LVM_NAME } from "@/lib/names";
import { defaultForwardAddress as sharedDefaultForwardAddress } from "@/lib/port-forward";
import { lvOfPath } from "@/lib/volume-path";
import type { GuestDefinitionInput } from "../api-types";

// The wizard's form state and its mapping to and from a guest definition. Numbers are kept
// as the text the user typed, so a half-typed value is never silently replaced; they are
// parsed once, in toDefinition, which names the field of anything it cannot read.

type Def = GuestDefinitionInput;
type DiskIn = NonNullable<Def["disks"]>[number];
type NicIn = NonNullable<Def["nics"]>[number];

export const SIZE_UNITS = { MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 } as const;
export type SizeUnit = keyof typeof SIZE_UNITS;
export type DiskBus = "virtio" | "ide" | "scsi";

export interface DiskRow {
  key: number;
  kind: DiskIn["kind"];
  path: string;
  /** New image: the format to create. */
  format: "qcow2" | "raw";
  /**
   * Existing image: the format QEMU is told, chosen by the user or filled by the one-time
   * read; "" until then. Never guessed at start (a guest writes the bytes a guess reads).
   */
  imageFormat: "" | "qcow2" | "raw";
  /** What the one-time read of an existing image said, shown beside the choice. */
  formatReading: string;
  /** New image or new LV: the size as typed, in `unit`. */
  size: string;
  unit: SizeUnit;
  bus: DiskBus;
  /** LVM volume ("block"): an LV that exists, or one the wizard makes on Create. */
  lvMode: "existing" | "new";
  vg: string;
  lv: string;
  readOnly: boolean;
}

export interface ForwardRow {
  key: number;
  proto: "tcp" | "udp";
  hostAddress: string;
  hostPort: string;
  guestPort: string;
}

export interface NicRow {
  key: number;
  model: "virtio" | "e1000" | "rtl8139";
  mac: string;
  net: "user" | "tap";
  /** User-mode: QEMU's restrict=on (no host loopback at 10.0.2.2, no outside network). */
  restrict: boolean;
  bridge: string;
  /** TAP: its own interface name (kept from an imported ifname=); "" = Labdeck names it. */
  ifname: string;
  forwards: ForwardRow[];
}

export interface WizardForm {
  hostId: string;
  name: string;
  arch: NonNullable<Def["arch"]>;
  machine: string;
  accel: NonNullable<Def["accel"]>;
  cpuModel: string;
  vcpus: string;
  memoryMiB: string;
  disks: DiskRow[];
  bootKind: "disk" | "cdrom" | "kernel";
  kernel: string;
  initrd: string;
  append: string;
  nics: NicRow[];
  display: NonNullable<Def["display"]>;
}

let nextKey = 1;
export const newKey = (): number => nextKey++;

export const newDisk = (kind: DiskRow["kind"] = "new-image"): DiskRow => ({
  key: newKey(),
  kind,
  path: "",
  format: "qcow2",
  imageFormat: "",
  formatReading: "",
  size: "8",
  unit: "GiB",
  bus: "virtio",
  lvMode: "existing",
  vg: "",
  lv: "",
  readOnly: false,
});
/** A forward listens on the host's management address by default, when that is an IPv4 literal; otherwise ("") the user is asked. */
export function defaultForwardAddress(hostAddress: string | undefined): string {
  return sharedDefaultForwardAddress(hostAddress) ?? "";
}

export const newForward = (hostAddress = ""): ForwardRow => ({ key: newKey(), proto: "tcp", hostAddress, hostPort: "", guestPort: "" });
// New user-mode NICs start restricted: the guest reaches its forwards, not the host's loopback.
export const newNic = (): NicRow => ({
  key: newKey(),
  model: "virtio",
  mac: "",
  net: "user",
  restrict: true,
  bridge: "",
  ifname: "",
  forwards: [],
});

export function emptyForm(hostId = ""): WizardForm {
  return {
    hostId,
    name: "",
    arch: "x86_64",
    machine: "q35",
    accel: "auto",
    cpuModel: "",
    vcpus: "1",
    memoryMiB: "512",
    disks: [],
    bootKind: "disk",
    kernel: "",
    initrd: "",
    append: "",
    nics: [newNic()],
    display: "none",
  };
}

function sizeParts(bytes: number): { size: string; unit: SizeUnit } {
  for (const unit of ["TiB", "GiB", "MiB"] as const) {
    if (bytes % SIZE_UNITS[unit] === 0) return { size: String(bytes / SIZE_UNITS[unit]), unit };
  }
  return { size: String(bytes / SIZE_UNITS.MiB), unit: "MiB" };
}

/** A form from a stored or imported (partial) definition; what is missing keeps its default. */
export function formFromDefinition(def: Partial<Def>, hostId = ""): WizardForm {
  const base = emptyForm(hostId);
  const boot = def.boot;
  return {
    ...base,
    name: def.name ?? "",
    arch: def.arch ?? base.arch,
    machine: def.machine ?? base.machine,
    accel: def.accel ?? base.accel,
    cpuModel: def.cpuModel ?? "",
    vcpus: def.vcpus !== undefined ? String(def.vcpus) : base.vcpus,
    memoryMiB: def.memoryMiB !== undefined ? String(def.memoryMiB) : base.memoryMiB,
    disks: (def.disks ?? []).map((d) => ({
      ...newDisk(d.kind),
      path: d.path,
      ...(d.kind === "new-image" ? { format: d.format, ...sizeParts(d.sizeBytes) } : {}),
      ...(d.kind === "existing-image" ? { imageFormat: d.format ?? "" } : {}),
      ...((d.kind === "new-image" || d.kind === "existing-image") && d.bus ? { bus: d.bus } : {}),
      ...(d.kind === "block" ? { ...(lvOfPath(d.path) ?? {}), readOnly: d.readOnly ?? false } : {}),
    })),
    bootKind: boot?.kind ?? "disk",
    kernel: boot?.kind === "kernel" ? boot.kernel : "",
    initrd: boot?.kind === "kernel" ? (boot.initrd ?? "") : "",
    append: boot?.kind === "kernel" ? (boot.append ?? "") : "",
    nics:
      def.nics === undefined
        ? base.nics
        : def.nics.map((n) => ({
            ...newNic(),
            model: n.model ?? "virtio",
            mac: n.mac ?? "",
            net: n.network.kind,
            // A stored NIC without the field ran unrestricted: keep showing what it does.
            restrict: n.network.kind === "user" ? (n.network.restrict ?? false) : true,
            bridge: n.network.kind === "tap" ? n.network.bridge : "",
            ifname: n.network.kind === "tap" ? (n.network.ifname ?? "") : "",
            forwards:
              n.network.kind === "user"
                ? (n.network.forwards ?? []).map((f) => ({
                    ...newForward(),
                    proto: f.proto ?? "tcp",
                    hostAddress: f.hostAddress ?? "",
                    hostPort: String(f.hostPort),
                    guestPort: String(f.guestPort),
                  }))
                : [],
          })),
    display: def.display ?? base.display,
  };
}

/**
 * The form after "Show commands": every MAC the preview generated for a NIC left blank is
 * written into that NIC's row, so Create saves the address the plan showed (a blank would
 * be generated again, differently). Rows are matched by position, which the preview kept;
 * a MAC already typed is never replaced. Returns the same object when nothing changed.
 */
export function withPreviewValues(f: WizardForm, previewed: Pick<Def, "nics">): WizardForm {
  let changed = false;
  const nics = f.nics.map((n, i) => {
    const mac = previewed.nics?.[i]?.mac;
    if (n.mac.trim() !== "" || mac === undefined) return n;
    changed = true;
    return { ...n, mac };
  });
  return changed ? { ...f, nics } : f;
}

export type FieldErrors = Record<string, string>;

function int(errors: FieldErrors, field: string, text: string): number {
  const t = text.trim();
  if (!/^\d+$/.test(t)) errors[field] = "a whole number";
  return Number(t);
}

function sizeBytes(errors: FieldErrors, field: string, d: DiskRow): number {
  const t = d.size.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) {
    errors[field] = "a size such as 8 or 0.5";
    return 0;
  }
  const bytes = Math.round(Number(t) * SIZE_UNITS[d.unit]);
  if (bytes % SIZE_UNITS.MiB !== 0) errors[field] = "a whole number of MiB";
  return bytes;
}

// LVM's name characters only; the server checks the rest of its rules (reserved names).
function blockDisk(errors: FieldErrors, d: DiskRow, i: number): DiskIn {
  const vg = d.vg.trim();
  const lv = d.lv.trim();
  const field = `disks.${i}.path`;
  if (vg === "") errors[field] = "choose a volume group";
  else if (lv === "") errors[field] = d.lvMode === "new" ? "name the new LV" : "choose an LV";
  else if (!LVM_NAME.test(lv)) errors[field] = "an LV name of letters, digits and _ . + - (not starting with -)";
  if (d.lvMode === "new") sizeBytes(errors, `disks.${i}.sizeBytes`, d);
  return { kind: "block", path: `/dev/${vg}/${lv}`, ...(d.readOnly ? { readOnly: true } : {}) };
}

function disk(errors: FieldErrors, d: DiskRow, i: number): DiskIn {
  const path = d.path.trim();
  if (d.kind === "block") return blockDisk(errors, d, i);
  if (d.kind === "cdrom") return { kind: "cdrom", path };
  if (d.kind === "existing-image") {
    if (d.imageFormat === "") errors[`disks.${i}.format`] = "choose raw or qcow2 (Read format reads it once from the image)";
    return { kind: "existing-image", path, ...(d.imageFormat !== "" ? { format: d.imageFormat } : {}), bus: d.bus };
  }
  return { kind: "new-image", path, format: d.format, sizeBytes: sizeBytes(errors, `disks.${i}.sizeBytes`, d), bus: d.bus };
}

function nic(errors: FieldErrors, n: NicRow, i: number): NicIn {
  const mac = n.mac.trim().toLowerCase();
  const base = { model: n.model, ...(mac ? { mac } : {}) };
  const ifname = n.ifname.trim();
  if (n.net === "tap") return { ...base, network: { kind: "tap", bridge: n.bridge.trim(), ...(ifname ? { ifname } : {}) } };
  const forwards = n.forwards.map((f, j) => {
    if (!f.hostAddress.trim())
      errors[`nics.${i}.network.forwards.${j}.hostAddress`] = "the host address to listen on (never every address)";
    return {
      proto: f.proto,
      ...(f.hostAddress.trim() ? { hostAddress: f.hostAddress.trim() } : {}),
      hostPort: int(errors, `nics.${i}.network.forwards.${j}.hostPort`, f.hostPort),
      guestPort: int(errors, `nics.${i}.network.forwards.${j}.guestPort`, f.guestPort),
    };
  });
  return { ...base, network: { kind: "user", restrict: n.restrict, forwards } };
}

/** The definition the form describes, or the fields it could not read (named like the server names them). */
export function toDefinition(f: WizardForm): { definition: Def; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const boot: Def["boot"] =
    f.bootKind === "kernel"
      ? { kind: "kernel", kernel: f.kernel.trim(), ...(f.initrd.trim() ? { initrd: f.initrd.trim() } : {}), append: f.append }
      : { kind: f.bootKind };
  const definition: Def = {
    name: f.name.trim(),
    arch: f.arch,
    machine: f.machine.trim(),
    accel: f.accel,
    ...(f.cpuModel.trim() ? { cpuModel: f.cpuModel.trim() } : {}),
    vcpus: int(errors, "vcpus", f.vcpus),
    memoryMiB: int(errors, "memoryMiB", f.memoryMiB),
    disks: f.disks.map((d, i) => disk(errors, d, i)),
    boot,
    nics: f.nics.map((n, i) => nic(errors, n, i)),
    display: f.display,
  };
  return { definition, errors };
}

/** The server names definition fields `definition.disks.0.path` (and sometimes without the prefix). */
export function definitionFieldErrors(server: Record<string, string>): FieldErrors {
  const out: FieldErrors = {};
  for (const [field, message] of Object.entries(server)) out[field.replace(/^definition\.?/, "") || "definition"] = message;
  return out;
}

export interface NewLv {
  /** The disk row it is for. */
  key: number;
  op: { op: "lv.create"; vg: string; name: string; size: string };
}

const UNIT_LETTER: Record<SizeUnit, string> = { MiB: "M", GiB: "G", TiB: "T" };

/** The LVs to make before the guest is created ("new LV" rows), as storage ops. */
export function newLvsOf(disks: readonly DiskRow[]): NewLv[] {
  return disks.flatMap((d) =>
    d.kind === "block" && d.lvMode === "new"
      ? [
          {
            key: d.key,
            op: { op: "lv.create" as const, vg: d.vg.trim(), name: d.lv.trim(), size: `${d.size.trim()}${UNIT_LETTER[d.unit]}` },
          },
        ]
      : [],
  );
}

/** Rows whose LV was made become picks of that LV, so a second Create does not make it again. */
export function markLvsMade(disks: readonly DiskRow[], made: ReadonlySet<number>): DiskRow[] {
  return disks.map((d) => (made.has(d.key) ? { ...d, lvMode: "existing" } : d));
}
