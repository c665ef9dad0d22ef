import { badInput, LabdeckError } from "../../errors";
import type { TPlanStep } from "../../jobs/plan";
import type { TStorageOp } from "../ops";
import { formatBytes, resolveSize } from "../size";
import type { THostStorage, TStorageLv } from "../storage-model";
import { findLv, guestsUsing, lvDevice, mountArgv, requireLvm, resizableKind, roundToExtents, singleMount, writableVg } from "./checks";
import { e2fsckStep } from "./fs-steps";
import { readOutput } from "./reads";
import type { StorageOpRead, StoragePlan, StoragePlanContext } from "./types";

// Shrinking a logical volume: filesystem first, then the volume, never the other way
// round. The order of the steps is the whole safety of this plan: unmount, fsck,
// resize2fs to at most the new size, and only then lvreduce to that size. If resize2fs
// refuses (the data does not fit), the plan stops before lvreduce and nothing is cut.
// Only ext4 shrinks: xfs cannot, and swap is simply made again.

type ShrinkOp = Extract<TStorageOp, { op: "lv.shrink" }>;

const MiB = 2 ** 20;
const MARGIN_MIN_BYTES = 16 * MiB;
const MARGIN_FRACTION = 0.1;

function shrinkable(storage: THostStorage, op: ShrinkOp): TStorageLv | null {
  const lv = storage.lvs.find((l) => l.vg === op.vg && l.name === op.lv && !l.hidden);
  return lv !== undefined && lv.filesystem === "ext4" && lv.attr.active ? lv : null;
}

export function shrinkReads(storage: THostStorage, op: ShrinkOp): StorageOpRead[] {
  const lv = shrinkable(storage, op);
  if (lv === null) return [];
  const device = lvDevice(lv);
  const reads: StorageOpRead[] = [
    { id: "dumpe2fs", argv: ["dumpe2fs", "-h", device], purpose: `read the block size and block counts of the filesystem on ${device}` },
    {
      id: "resize2fs-min",
      argv: ["resize2fs", "-P", device],
      purpose: `ask resize2fs for the smallest size the filesystem on ${device} can have`,
    },
  ];
  const mount = storage.mounts.find((m) => m.device === lv.dmPath && (m.subpath === null || m.subpath === "/"));
  if (mount !== undefined)
    reads.push({ id: "df", argv: ["df", "-B1", "--output=used,size", mount.target], purpose: `read the space used on ${mount.target}` });
  return reads;
}

function superblockNumber(dump: string, key: string): number {
  // Line by line with a fixed pattern: no pattern is built from text at run time.
  const line = dump.split("\n").find((l) => l.startsWith(`${key}:`));
  const m = line === undefined ? null : /^\s+(\d+)\s*$/.exec(line.slice(key.length + 1));
  if (m?.[1] === undefined) throw new LabdeckError("INTERNAL", `dumpe2fs: no "${key}" in the superblock summary`);
  return Number(m[1]);
}

/**
 * The smallest size this plan accepts, in bytes. Two answers are combined because each
 * misses something: resize2fs -P is resize2fs's own minimum (data plus metadata: inode
 * tables, journal), but it reads the on-disk bitmaps, which lag behind a mounted, busy
 * filesystem; df's "used" is the live count, but leaves out the metadata. The larger of
 * the two, plus a margin of 10% (at least 16 MiB), because -P is documented as an
 * estimate, the filesystem stays in use until the unmount step, and a filesystem that is
 * full the moment the shrink ends is no use to anyone. resize2fs itself refuses a size
 * that cannot hold the data, so this rule only has to refuse early and say why.
 */
export function shrinkFloor(
  reads: Record<string, string>,
  mounted: boolean,
): { usedBytes: number; minBytes: number; requiredBytes: number } {
  const dump = readOutput(reads, "dumpe2fs");
  const blockSize = superblockNumber(dump, "Block size");
  const min = /Estimated minimum size of the filesystem:\s*(\d+)/.exec(readOutput(reads, "resize2fs-min"));
  if (min?.[1] === undefined) throw new LabdeckError("INTERNAL", "resize2fs -P: no estimated minimum size in its output");
  const minBytes = Number(min[1]) * blockSize;
  let usedBytes = (superblockNumber(dump, "Block count") - superblockNumber(dump, "Free blocks")) * blockSize;
  if (mounted) {
    const row = readOutput(reads, "df").trim().split("\n")[1]?.trim().split(/\s+/);
    const used = Number(row?.[0]);
    if (!Number.isSafeInteger(used)) throw new LabdeckError("INTERNAL", "df: no used byte count in its output");
    usedBytes = used;
  }
  const floor = Math.max(usedBytes, minBytes);
  return { usedBytes, minBytes, requiredBytes: floor + Math.max(MARGIN_MIN_BYTES, Math.ceil(floor * MARGIN_FRACTION)) };
}

function requireExt4(lv: TStorageLv, name: string): void {
  switch (lv.filesystem) {
    case "ext4":
      return;
    case "xfs":
      throw badInput("op.lv", `${name} holds xfs, and xfs cannot shrink: copy the data to a smaller volume instead`);
    case "swap":
      throw badInput("op.lv", `${name} is swap space: remove it and create a smaller one instead`);
    case null:
      throw badInput(
        "op.lv",
        `no filesystem found on ${name}${lv.attr.active ? "" : " (it is inactive)"}; only an ext4 filesystem is shrunk, and it goes first`,
      );
    default:
      throw badInput("op.lv", `${name} holds ${lv.filesystem}; only ext4 filesystems are shrunk here`);
  }
}

export function planLvShrink(storage: THostStorage, op: ShrinkOp, ctx: StoragePlanContext): StoragePlan {
  requireLvm(storage);
  const name = `${op.vg}/${op.lv}`;
  const lv = findLv(storage, op.vg, op.lv, "op.lv");
  if (op.confirm !== name) throw badInput("op.confirm", `type "${name}" to confirm shrinking it`);
  const vg = writableVg(storage, op.vg, "op.vg");
  resizableKind(storage, lv, "op.lv");
  requireExt4(lv, name);
  const asked = resolveSize(op.size, lv.sizeBytes, "op.size", "shrink");
  const target = roundToExtents(vg, asked);
  if (target.bytes >= lv.sizeBytes) {
    const rounded = target.bytes !== asked ? " (rounded up to whole extents)" : "";
    throw badInput(
      "op.size",
      `${formatBytes(target.bytes)}${rounded} is not less than the current ${formatBytes(lv.sizeBytes)} of ${name}`,
    );
  }
  const guests = guestsUsing(ctx.usedBy, [lv.path, lv.dmPath, lvDevice(lv)]);
  if (guests.length > 0) throw badInput("op.lv", `${name} is used by ${guests.join(", ")}`);
  const mount = singleMount(storage, lv, "op.lv", name);
  const floor = shrinkFloor(ctx.reads, mount !== null);
  if (target.bytes < floor.requiredBytes) {
    throw badInput(
      "op.size",
      `${formatBytes(target.bytes)} is too small for ${name}: ${formatBytes(floor.usedBytes)} used, resize2fs needs at least ${formatBytes(floor.minBytes)}, so with a margin it must stay at least ${formatBytes(floor.requiredBytes)}`,
    );
  }
  const device = lvDevice(lv);
  // Whole KiB, rounded down: the filesystem ends at or before the volume's new end.
  const fsKiB = Math.floor(target.bytes / 1024);
  const steps: TPlanStep[] = [];
  if (mount !== null)
    steps.push({
      argv: ["umount", mount.target],
      purpose: `unmount ${mount.target} (ext4 shrinks only offline)`,
      undo: mountArgv(device, mount),
    });
  steps.push(
    e2fsckStep(device),
    {
      argv: ["resize2fs", device, `${fsKiB}K`],
      purpose: `shrink the filesystem on ${device} to ${formatBytes(fsKiB * 1024)} (fails, and stops the plan, if the data does not fit)`,
      // Grows it back to fill the volume, whatever size the volume has by then.
      undo: ["resize2fs", device],
      timeoutMs: 60 * 60_000,
    },
    {
      argv: ["lvreduce", "-f", "-L", `${target.bytes}b`, name],
      purpose: `shrink ${name} from ${formatBytes(lv.sizeBytes)} to ${formatBytes(target.bytes)}, after its filesystem (no undo)`,
    },
  );
  if (mount !== null) steps.push({ argv: mountArgv(device, mount), purpose: `mount ${device} on ${mount.target} again` });
  return {
    title: `Shrink ${name} to ${formatBytes(target.bytes)}`,
    steps,
    summary: `${name} shrinks from ${formatBytes(lv.sizeBytes)} to ${formatBytes(target.bytes)}, its ext4 filesystem first${mount !== null ? `; ${mount.target} is unmounted meanwhile` : ""}.`,
    warnings: [
      ...(mount !== null ? [`${mount.target} is unavailable while the filesystem is checked and shrunk.`] : []),
      "The volume reduction has no undo; the filesystem is shrunk (and checked by resize2fs) before it.",
    ],
  };
}
