import { z } from "zod";
import { LabdeckError } from "../errors";
import { parseDf, ZFsUsage, type TFsUsage } from "./parse-df";
import { parseFindmnt, ZMount, type TMount } from "./parse-findmnt";
import { parseLsblk, ZBlockDevice, type TBlockDevice } from "./parse-lsblk";
import { parseLvs, parsePvs, parseVgs, ZLv, ZPv, ZVg, type TLv } from "./parse-lvm";
import type { StorageReadStepId } from "./read-commands";

// Assembles one THostStorage from the outputs of read-commands.ts: what the storage page
// shows and what the write side checks before it acts. "Free" is the promise that matters:
// a disk offered for a new PV or filesystem must have nothing on it that anyone could miss
// (no partitions or holders, no filesystem or signature, no mount, not a PV). Anything
// uncertain counts as used: a free disk wrongly shown as used costs a click, a used disk
// shown as free costs someone's data.

export const ZStorageLv = ZLv.extend({
  /** From lsblk by device-mapper path; null when inactive (no device to probe) or blank. */
  filesystem: z.string().nullable(),
  filesystemUuid: z.string().nullable(),
  /** Every mount of this LV's device, bind mounts included, sorted. */
  mountpoints: z.array(z.string()),
  /** Space of the filesystem as df sees it at its first mount point; null when not mounted or df had no answer. */
  usage: ZFsUsage.omit({ target: true }).nullable(),
});
export type TStorageLv = z.infer<typeof ZStorageLv>;

export const ZStorageVg = ZVg.extend({
  pvNames: z.array(z.string()),
});
export type TStorageVg = z.infer<typeof ZStorageVg>;

export const ZHostStorage = z.object({
  /** false when the LVM tools did not answer (not installed, or the user is not root). */
  lvmAvailable: z.boolean(),
  pvs: z.array(ZPv),
  vgs: z.array(ZStorageVg),
  /** Hidden pool internals included (`hidden: true`); pages list them under their pool. */
  lvs: z.array(ZStorageLv),
  blockDevices: z.array(ZBlockDevice),
  mounts: z.array(ZMount),
  /** Whole disks with nothing on them: candidates for pvcreate or mkfs. */
  freeDisks: z.array(ZBlockDevice),
});
export type THostStorage = z.infer<typeof ZHostStorage>;

/** stdout per step id; null for an optional step that failed (LVM absent or not root). */
export type StorageReadOutputs = Partial<Record<StorageReadStepId, string | null>>;

function required(outputs: StorageReadOutputs, id: StorageReadStepId): string {
  const v = outputs[id];
  if (typeof v !== "string") throw new LabdeckError("INTERNAL", `storage read: no output from step ${id}`);
  return v;
}

function mountpointsOf(devicePath: string | null, mounts: readonly TMount[]): string[] {
  if (devicePath === null) return [];
  return mounts
    .filter((m) => m.device === devicePath)
    .map((m) => m.target)
    .sort();
}

function withFilesystem(
  lv: TLv,
  byPath: ReadonlyMap<string, TBlockDevice>,
  mounts: readonly TMount[],
  usage: ReadonlyMap<string, TFsUsage>,
): TStorageLv {
  const dev = lv.dmPath === null || !lv.attr.active ? undefined : byPath.get(lv.dmPath);
  const mountpoints = mountpointsOf(lv.dmPath, mounts);
  const space = mountpoints.map((t) => usage.get(t)).find((u) => u !== undefined);
  return {
    ...lv,
    filesystem: dev?.fstype ?? null,
    filesystemUuid: dev?.uuid ?? null,
    mountpoints,
    usage: space === undefined ? null : { usedBytes: space.usedBytes, availBytes: space.availBytes, sizeBytes: space.sizeBytes },
  };
}

/**
 * A whole disk nobody uses. Device-mapper devices, partitions, loops and ROMs are never
 * free disks; a disk is used when any device names it as parent (partition, LV, crypt,
 * RAID member), when it has a partition table (even an empty one), when blkid found any
 * signature on it (FSTYPE covers filesystems, swap, LVM2_member, a RAID superblock), when
 * it is mounted, or when LVM lists it as a PV.
 */
export function freeDisks(devices: readonly TBlockDevice[], mounts: readonly TMount[], pvNames: ReadonlySet<string>): TBlockDevice[] {
  const parents = new Set(devices.map((d) => d.parent).filter((p): p is string => p !== null));
  const mounted = new Set(mounts.map((m) => m.device));
  return devices.filter(
    (d) =>
      d.type === "disk" &&
      !d.readOnly &&
      d.fstype === null &&
      d.partitionTable === null &&
      d.mountpoint === null &&
      !parents.has(d.name) &&
      !mounted.has(d.path) &&
      !pvNames.has(d.path),
  );
}

export function buildHostStorage(outputs: StorageReadOutputs): THostStorage {
  const blockDevices = parseLsblk(required(outputs, "lsblk"));
  const mounts = parseFindmnt(required(outputs, "findmnt"));
  const lvmOut = [outputs.pvs, outputs.vgs, outputs.lvs];
  const lvmAvailable = lvmOut.every((o) => typeof o === "string");
  const pvs = lvmAvailable ? parsePvs(outputs.pvs ?? "") : [];
  const vgs = lvmAvailable ? parseVgs(outputs.vgs ?? "") : [];
  const lvs = lvmAvailable ? parseLvs(outputs.lvs ?? "") : [];
  const byPath = new Map(blockDevices.map((d) => [d.path, d]));
  const usage = new Map(typeof outputs.df === "string" ? parseDf(outputs.df).map((u) => [u.target, u]) : []);
  // Without LVM's answer a PV can still be recognised by its signature (LVM2_member).
  const pvNames = new Set(pvs.map((p) => p.name));
  return ZHostStorage.parse({
    lvmAvailable,
    pvs,
    vgs: vgs.map((vg) => ({ ...vg, pvNames: pvs.filter((p) => p.vg === vg.name).map((p) => p.name) })),
    lvs: lvs.map((lv) => withFilesystem(lv, byPath, mounts, usage)),
    blockDevices,
    mounts,
    freeDisks: freeDisks(blockDevices, mounts, pvNames),
  });
}
