import { badInput, LabdeckError } from "../../errors";
import type { TPlanStep } from "../../jobs/plan";
import type { TBlockDevice } from "../parse-lsblk";
import type { TMount } from "../parse-findmnt";
import { formatBytes, parseSize } from "../size";
import type { THostStorage, TStorageLv, TStorageVg } from "../storage-model";
import { readOutput } from "./reads";

// The checks every storage planner shares: finding what an op names in the host's
// storage, saying WHAT holds a volume when it cannot be touched, sizes in whole extents,
// and the one invariant no plan may break: an LV is never reduced below its filesystem.

export function requireLvm(storage: THostStorage): void {
  if (!storage.lvmAvailable) throw badInput("op", "the LVM tools did not answer on this host (lvm2 missing, or the SSH user is not root)");
}

export function findVg(storage: THostStorage, name: string, field: string): TStorageVg {
  const vg = storage.vgs.find((v) => v.name === name);
  if (vg === undefined) throw badInput(field, `there is no volume group ${name}`);
  return vg;
}

/** A VG about to be written: LVM itself warns that writing to a partial VG can lose data. */
export function writableVg(storage: THostStorage, name: string, field: string): TStorageVg {
  const vg = findVg(storage, name, field);
  if (vg.attr.partial) throw badInput(field, `volume group ${name} is missing physical volumes; writing to it now can lose data`);
  if (!vg.attr.writable) throw badInput(field, `volume group ${name} is read-only`);
  if (vg.attr.exported) throw badInput(field, `volume group ${name} is exported (vgimport it first)`);
  return vg;
}

export function findLv(storage: THostStorage, vg: string, name: string, field: string): TStorageLv {
  const lv = storage.lvs.find((l) => l.vg === vg && l.name === name);
  if (lv === undefined) throw badInput(field, `there is no logical volume ${vg}/${name}`);
  if (lv.hidden) throw badInput(field, `${vg}/${name} is an internal volume of LVM, not one to change on its own`);
  return lv;
}

/** Kinds whose size is a plain block device: a snapshot's size is its COW space, a pool's is its data. */
export function resizableKind(storage: THostStorage, lv: TStorageLv, field: string): void {
  if (lv.attr.kind === "origin") {
    const snaps = storage.lvs.filter((l) => l.vg === lv.vg && l.origin === lv.name && l.attr.kind === "snapshot").map((l) => l.name);
    throw badInput(
      field,
      `${lv.vg}/${lv.name} has snapshot${snaps.length > 1 ? "s" : ""} ${snaps.join(", ")}: LVM resizes a snapshot origin only while it is inactive; merge or remove the snapshot first`,
    );
  }
  if (lv.attr.kind !== "linear" && lv.attr.kind !== "thin") {
    throw badInput(field, `${lv.vg}/${lv.name} is a ${lv.attr.kind} volume; only linear and thin volumes are resized here`);
  }
}

export function lvExists(storage: THostStorage, vg: string, name: string): boolean {
  return storage.lvs.some((l) => l.vg === vg && l.name === name);
}

/** /dev/VG/LV: the name every step uses (lvs prints it; hidden volumes have none). */
export function lvDevice(lv: { vg: string; name: string }): string {
  return `/dev/${lv.vg}/${lv.name}`;
}

export function positiveSize(text: string, field: string): number {
  const bytes = parseSize(text, field);
  if (bytes <= 0) throw badInput(field, `"${text}" is not more than zero`);
  return bytes;
}

/** lvcreate and lvextend round a size up to whole extents; planning does the same so the checks see the real size. */
export function roundToExtents(vg: TStorageVg, bytes: number): { extents: number; bytes: number } {
  const extents = Math.ceil(bytes / vg.extentSizeBytes);
  return { extents, bytes: extents * vg.extentSizeBytes };
}

export function extentsText(vg: TStorageVg, extents: number): string {
  return `${extents} extent${extents === 1 ? "" : "s"} of ${formatBytes(vg.extentSizeBytes)}`;
}

export function guestsUsing(usedBy: ReadonlyMap<string, string[]>, paths: readonly (string | null)[]): string[] {
  const names = paths.flatMap((p) => (p === null ? [] : (usedBy.get(p) ?? [])));
  return [...new Set(names)].sort();
}

/** Everything that holds an LV, as phrases for a refusal; empty when nothing does. */
export function lvHolders(lv: TStorageLv, usedBy: ReadonlyMap<string, string[]>): string[] {
  const holders: string[] = [];
  const guests = guestsUsing(usedBy, [lv.path, lv.dmPath, lvDevice(lv)]);
  if (guests.length > 0) holders.push(`used by guest${guests.length > 1 ? "s" : ""} ${guests.join(", ")}`);
  if (lv.mountpoints.length > 0) holders.push(`mounted on ${lv.mountpoints.join(", ")}`);
  else if (lv.attr.open) holders.push("open (a running guest, a mount in another namespace or a device stacked on it holds it)");
  return holders;
}

export function refuseIfHeld(field: string, what: string, holders: readonly string[], advice = ""): void {
  if (holders.length > 0) throw badInput(field, `${what} is ${holders.join("; ")}${advice ? `: ${advice}` : ""}`);
}

/** The mounts of an LV's whole filesystem (not bind mounts of a directory inside it). */
export function wholeMounts(storage: THostStorage, lv: TStorageLv): TMount[] {
  return storage.mounts.filter((m) => m.device === lv.dmPath && (m.subpath === null || m.subpath === "/"));
}

/**
 * The one mount an LV may have when a plan unmounts and remounts it. A bind mount or a
 * second mount cannot be put back by "mount DEV DIR", so those are refused, as is "/".
 */
export function singleMount(storage: THostStorage, lv: TStorageLv, field: string, what: string): TMount | null {
  const all = storage.mounts.filter((m) => m.device === lv.dmPath);
  if (all.length === 0) {
    if (lv.attr.open) throw badInput(field, `${what} is open though not mounted here (a running guest or a stacked device holds it)`);
    return null;
  }
  if (all.length > 1)
    throw badInput(field, `${what} is mounted more than once (${all.map((m) => m.target).join(", ")}); unmount all but one first`);
  const [mount] = wholeMounts(storage, lv);
  if (mount === undefined)
    throw badInput(
      field,
      `${what} is mounted only through a bind mount of a directory in it (${all.map((m) => m.target).join(", ")}); unmount that first`,
    );
  if (mount.target === "/") throw badInput(field, `${what} holds the root filesystem`);
  return mount;
}

/** Remount with ro kept; other options are the filesystem's defaults (or fstab's, for a listed mount). */
export function mountArgv(device: string, mount: TMount): string[] {
  return ["mount", ...(mount.readOnly ? ["-o", "ro"] : []), device, mount.target];
}

/** A device path the op names -> the block device lsblk lists, through the read's readlink when needed. */
export function needsResolve(storage: THostStorage, device: string): boolean {
  return !storage.blockDevices.some((d) => d.path === device);
}

export function resolveDevice(
  storage: THostStorage,
  device: string,
  reads: Record<string, string>,
  readId: string,
  field: string,
): TBlockDevice {
  const direct = storage.blockDevices.find((d) => d.path === device);
  if (direct !== undefined) return direct;
  const resolved = readOutput(reads, readId).trim();
  if (resolved === "") throw badInput(field, `${device} does not exist on the host`);
  const dev = storage.blockDevices.find((d) => d.path === resolved);
  if (dev === undefined) throw badInput(field, `${device} is ${resolved}, which is not a block device lsblk lists`);
  return dev;
}

const DEVICE_TYPES: Readonly<Record<string, string>> = {
  part: "a partition",
  lvm: "an LVM volume",
  crypt: "an encrypted device",
  loop: "a loop device",
  rom: "an optical drive",
};

function signatureText(fstype: string): string {
  if (fstype === "swap") return "swap space";
  if (fstype === "LVM2_member") return "an LVM signature";
  if (fstype.endsWith("_member")) return `a ${fstype} signature`;
  return `${/^(ext|xfs)/.test(fstype) ? "an" : "a"} ${fstype} filesystem`;
}

/** Why a disk is not free, most telling first; never empty for a disk not in freeDisks. */
export function whyNotFree(storage: THostStorage, dev: TBlockDevice): string[] {
  const reasons: string[] = [];
  const pv = storage.pvs.find((p) => p.name === dev.path);
  if (pv !== undefined)
    reasons.push(`is an LVM physical volume${pv.vg === null ? " (in no volume group yet)" : ` of volume group ${pv.vg}`}`);
  if (dev.type !== "disk") reasons.push(`is ${DEVICE_TYPES[dev.type] ?? `a ${dev.type} device`}, not a whole disk`);
  const children = storage.blockDevices.filter((d) => d.parent === dev.name);
  if (children.some((c) => c.type === "part"))
    reasons.push(
      `has partitions (${children
        .filter((c) => c.type === "part")
        .map((c) => c.name)
        .join(", ")})`,
    );
  // A PV's holders are its VG's volumes: the VG already says it.
  const holders = pv === undefined ? children.filter((c) => c.type !== "part") : [];
  if (holders.length > 0) reasons.push(`holds ${holders.map((c) => `${c.name} (${c.type})`).join(", ")}`);
  // lsblk gives a partition its disk's PTTYPE too: only a disk's own table counts here.
  if (dev.type === "disk" && dev.partitionTable !== null && children.length === 0)
    reasons.push(`has a ${dev.partitionTable} partition table (with no partitions)`);
  if (dev.fstype !== null && pv === undefined)
    reasons.push(`holds ${signatureText(dev.fstype)}${dev.label === null ? "" : ` (label ${dev.label})`}`);
  const mounts = storage.mounts.filter((m) => m.device === dev.path).map((m) => m.target);
  if (dev.mountpoint !== null && !mounts.includes(dev.mountpoint)) mounts.push(dev.mountpoint);
  if (mounts.length > 0) reasons.push(`is mounted on ${mounts.join(", ")}`);
  if (dev.readOnly) reasons.push("is read-only");
  if (reasons.length === 0 && !storage.freeDisks.some((d) => d.path === dev.path)) reasons.push("is in use");
  return reasons;
}

/** The disk, if free; otherwise refuses saying what is on it. */
export function requireFreeDisk(storage: THostStorage, dev: TBlockDevice, field: string, typed: string): TBlockDevice {
  if (storage.freeDisks.some((d) => d.path === dev.path)) return dev;
  const shown = typed === dev.path ? dev.path : `${typed} (${dev.path})`;
  throw badInput(field, `${shown} is not a free disk: it ${whyNotFree(storage, dev).join(", ")}`);
}

const REDUCING = /\blv(reduce|resize)\b/;

/**
 * The invariant of every storage plan: an `lvreduce -L <n>b VG/LV` is preceded by a
 * `resize2fs /dev/VG/LV <k>K` with k × 1024 <= n, and no later resize2fs grows the
 * filesystem again before it. Checked on the finished step list, so a future code path
 * that forgets the filesystem fails planning instead of cutting a filesystem short. So
 * that the check sees every reduction, none may hide elsewhere: not in an undo, not as
 * lvresize, not inside a shell script.
 */
export function assertFsShrunkBeforeLvreduce(steps: readonly TPlanStep[]): void {
  const fsBytes = new Map<string, number>();
  for (const step of steps) {
    const [tool, ...args] = step.argv;
    const hidden = (step.undo ?? []).some((a) => REDUCING.test(a)) || (tool !== "lvreduce" && step.argv.some((a) => REDUCING.test(a)));
    if (hidden) throw new LabdeckError("INTERNAL", `storage plan: a volume reduction outside a plain lvreduce step ("${step.purpose}")`);
    if (tool === "resize2fs") {
      const dev = args.find((a) => a.startsWith("/dev/"));
      const size = args.map((a) => /^(\d+)K$/.exec(a)).find((m) => m !== null);
      if (dev !== undefined) fsBytes.set(dev, size?.[1] === undefined ? Number.POSITIVE_INFINITY : Number(size[1]) * 1024);
    }
    if (tool === "lvreduce") {
      const at = args.indexOf("-L");
      const size = at < 0 ? null : /^(\d+)b$/.exec(args[at + 1] ?? "");
      const target = args.at(-1) ?? "";
      const fs = fsBytes.get(`/dev/${target}`);
      if (size?.[1] === undefined || fs === undefined || fs > Number(size[1])) {
        throw new LabdeckError("INTERNAL", `storage plan: lvreduce of ${target} is not preceded by a resize2fs to at most its new size`);
      }
    }
  }
}
