import { randomUUID } from "node:crypto";
import { badInput } from "../../errors";
import type { TPlanStep } from "../../jobs/plan";
import type { TStorageOp } from "../ops";
import { formatBytes, resolveSize } from "../size";
import type { THostStorage, TStorageLv } from "../storage-model";
import {
  extentsText,
  findLv,
  guestsUsing,
  lvDevice,
  lvExists,
  lvHolders,
  positiveSize,
  refuseIfHeld,
  requireLvm,
  resizableKind,
  roundToExtents,
  wholeMounts,
  writableVg,
} from "./checks";
import { e2fsckStep, fstabLine, fstabStep, mkfsStep, udevSettleStep } from "./fs-steps";
import { parsePathKind, pathKindRead, readOutput } from "./reads";
import type { StorageOpRead, StoragePlan, StoragePlanContext } from "./types";

// Creating, growing and removing logical volumes. Growing is LV first, filesystem second
// (the opposite of shrink.ts), and has no undo: the only way back from a grown
// filesystem is a shrink, which is its own confirmed plan.

type Op<K extends TStorageOp["op"]> = Extract<TStorageOp, { op: K }>;

// xfsprogs 5.19 and later refuse to make an xfs filesystem under 300 MiB.
const XFS_MIN_BYTES = 300 * 2 ** 20;
const FSTAB_READ = "fstab";

export function lvReads(storage: THostStorage, op: TStorageOp): StorageOpRead[] {
  if (op.op === "lv.create" && op.mountpoint !== undefined) {
    return [pathKindRead("mountpoint", op.mountpoint, `check whether ${op.mountpoint} exists and is a directory`)];
  }
  // A snapshot shares its origin's filesystem UUID, so an fstab line naming it is the origin's.
  if (op.op === "lv.remove" && storage.lvs.some((l) => l.vg === op.vg && l.name === op.lv && l.attr.kind !== "snapshot")) {
    return [
      {
        id: FSTAB_READ,
        argv: ["sh", "-c", "cat /etc/fstab 2>/dev/null; exit 0"],
        purpose: "read /etc/fstab for lines that name the volume",
      },
    ];
  }
  return [];
}

function lvSize(storage: THostStorage, op: Op<"lv.create">) {
  const vg = writableVg(storage, op.vg, "op.vg");
  if (op.size !== undefined && op.extents !== undefined) throw badInput("op.extents", "give a size or a number of extents, not both");
  if (op.extents !== undefined) {
    if (op.extents > vg.freeExtents) {
      throw badInput(
        "op.extents",
        `${op.extents} extents is more than the ${vg.freeExtents} free in ${vg.name} (${formatBytes(vg.freeBytes)})`,
      );
    }
    return { vg, extents: op.extents, bytes: op.extents * vg.extentSizeBytes };
  }
  if (op.size === undefined) throw badInput("op.size", "give a size or a number of extents");
  const r = roundToExtents(vg, positiveSize(op.size, "op.size"));
  if (r.extents > vg.freeExtents) {
    throw badInput(
      "op.size",
      `${formatBytes(r.bytes)} (${extentsText(vg, r.extents)}) is more than the ${formatBytes(vg.freeBytes)} free in ${vg.name}`,
    );
  }
  return { vg, ...r };
}

function mountSteps(op: Op<"lv.create">, storage: THostStorage, ctx: StoragePlanContext, device: string): TPlanStep[] {
  const mp = op.mountpoint;
  if (mp === undefined) {
    if (op.fstab === true) throw badInput("op.fstab", "an fstab line needs a mount point");
    return [];
  }
  if (op.filesystem === undefined || op.filesystem === "swap")
    throw badInput("op.mountpoint", "only an ext4 or xfs filesystem can be mounted");
  if (mp === "/") throw badInput("op.mountpoint", "/ is the root filesystem");
  const busy = storage.mounts.filter((m) => m.target === mp);
  if (busy.length > 0) throw badInput("op.mountpoint", `${busy.map((m) => m.source).join(", ")} is already mounted on ${mp}`);
  const kind = parsePathKind("mountpoint", readOutput(ctx.reads, "mountpoint"));
  if (kind === "link") throw badInput("op.mountpoint", `${mp} is a symbolic link; give the directory it points to`);
  if (kind === "file" || kind === "other") throw badInput("op.mountpoint", `${mp} exists and is not a directory`);
  const steps: TPlanStep[] = [];
  if (kind === "absent") steps.push({ argv: ["mkdir", "-p", mp], purpose: `create the mount point ${mp}`, undo: ["rmdir", mp] });
  steps.push({ argv: ["mount", device, mp], purpose: `mount ${device} on ${mp}`, undo: ["umount", mp] });
  return steps;
}

export function planLvCreate(storage: THostStorage, op: Op<"lv.create">, ctx: StoragePlanContext): StoragePlan {
  requireLvm(storage);
  const { vg, extents, bytes } = lvSize(storage, op);
  if (lvExists(storage, op.vg, op.name)) throw badInput("op.name", `${op.vg}/${op.name} already exists`);
  if (op.filesystem === "xfs" && bytes < XFS_MIN_BYTES)
    throw badInput("op.size", `xfs needs at least 300 MiB (xfsprogs refuses smaller), not ${formatBytes(bytes)}`);
  const device = lvDevice({ vg: op.vg, name: op.name });
  // The UUID is chosen here and given to mkfs, so the fstab line can name it in the same plan.
  const uuid = op.filesystem === undefined ? undefined : randomUUID();
  const mounting = mountSteps(op, storage, ctx, device);
  const steps: TPlanStep[] = [
    {
      // -W y: wipe any signature left in those extents by an earlier LV, so the new volume
      // never shows a dead filesystem; -y answers lvcreate's own wipe question.
      argv: ["lvcreate", "-y", "-W", "y", "-n", op.name, "-L", `${bytes}b`, op.vg],
      purpose: `create logical volume ${op.vg}/${op.name} of ${formatBytes(bytes)} (${extentsText(vg, extents)})`,
      undo: ["lvremove", "-y", `${op.vg}/${op.name}`],
    },
  ];
  if (op.filesystem !== undefined) steps.push(mkfsStep(op.filesystem, device, uuid), udevSettleStep());
  steps.push(...mounting);
  if (op.fstab === true && op.mountpoint !== undefined && uuid !== undefined && op.filesystem !== undefined && op.filesystem !== "swap") {
    steps.push(fstabStep(fstabLine(uuid, op.mountpoint, op.filesystem)));
  }
  const fsText = op.filesystem === undefined ? "" : `, ${op.filesystem}`;
  const mpText = op.mountpoint === undefined ? "" : `, mounted on ${op.mountpoint}${op.fstab ? " (and in /etc/fstab)" : ""}`;
  return {
    title: `Create logical volume ${op.vg}/${op.name}`,
    steps,
    summary: `${op.vg}/${op.name}: ${formatBytes(bytes)}${fsText}${mpText}.`,
    warnings: [],
  };
}

function growFsSteps(storage: THostStorage, lv: TStorageLv, ctx: StoragePlanContext, warnings: string[]): TPlanStep[] {
  const device = lvDevice(lv);
  const guests = guestsUsing(ctx.usedBy, [lv.path, lv.dmPath, device]);
  // The filesystem inside belongs to the guest, which may have it mounted right now.
  if (guests.length > 0) {
    warnings.push(`Used by ${guests.join(", ")}: only the volume grows; grow the filesystem from inside the guest.`);
    return [];
  }
  switch (lv.filesystem) {
    case "ext4":
      if (lv.mountpoints.length > 0)
        return [
          {
            argv: ["resize2fs", device],
            purpose: `grow the ext4 filesystem on ${device} to fill the volume (online)`,
            timeoutMs: 30 * 60_000,
          },
        ];
      // Offline, resize2fs insists on a freshly checked filesystem.
      return [
        e2fsckStep(device),
        { argv: ["resize2fs", device], purpose: `grow the ext4 filesystem on ${device} to fill the volume`, timeoutMs: 30 * 60_000 },
      ];
    case "xfs": {
      const [mount] = wholeMounts(storage, lv);
      if (mount === undefined)
        throw badInput(
          "op.lv",
          `${lv.vg}/${lv.name} holds xfs, which grows only while mounted (xfs_growfs works through the mount point): mount it first`,
        );
      return [
        {
          argv: ["xfs_growfs", mount.target],
          purpose: `grow the xfs filesystem mounted on ${mount.target} to fill the volume`,
          timeoutMs: 30 * 60_000,
        },
      ];
    }
    case "swap":
      throw badInput(
        "op.lv",
        `${lv.vg}/${lv.name} is swap space: remove it and create a larger one instead (mkswap would have to rewrite it while it may be in use)`,
      );
    case null:
      warnings.push(
        lv.attr.active
          ? "No filesystem found on the volume: only the volume grows."
          : "The volume is inactive, so its filesystem is unknown: only the volume grows.",
      );
      return [];
    default:
      warnings.push(`Labdeck does not grow ${lv.filesystem} filesystems: only the volume grows; grow the filesystem yourself.`);
      return [];
  }
}

export function planLvGrow(storage: THostStorage, op: Op<"lv.grow">, ctx: StoragePlanContext): StoragePlan {
  requireLvm(storage);
  const lv = findLv(storage, op.vg, op.lv, "op.lv");
  const vg = writableVg(storage, op.vg, "op.vg");
  resizableKind(storage, lv, "op.lv");
  const r = roundToExtents(vg, resolveSize(op.size, lv.sizeBytes, "op.size", "grow"));
  if (r.bytes <= lv.sizeBytes) {
    throw badInput(
      "op.size",
      `${formatBytes(r.bytes)} is not more than the current ${formatBytes(lv.sizeBytes)} of ${op.vg}/${op.lv}; to make it smaller, shrink it`,
    );
  }
  const more = Math.ceil((r.bytes - lv.sizeBytes) / vg.extentSizeBytes);
  // A thin volume's size is virtual: it takes space from its pool as it is written, not now.
  if (lv.attr.kind !== "thin" && more > vg.freeExtents) {
    throw badInput(
      "op.size",
      `growing to ${formatBytes(r.bytes)} needs ${formatBytes(more * vg.extentSizeBytes)} more, but ${vg.name} has ${formatBytes(vg.freeBytes)} free`,
    );
  }
  const warnings = ["Growing has no undo: a grown filesystem can only be made smaller by a shrink, which is its own plan."];
  const fsSteps = growFsSteps(storage, lv, ctx, warnings);
  return {
    title: `Grow ${op.vg}/${op.lv} to ${formatBytes(r.bytes)}`,
    steps: [
      {
        argv: ["lvextend", "-L", `${r.bytes}b`, `${op.vg}/${op.lv}`],
        purpose: `grow ${op.vg}/${op.lv} from ${formatBytes(lv.sizeBytes)} to ${formatBytes(r.bytes)} (no undo: the filesystem grows next)`,
      },
      ...fsSteps,
    ],
    summary: `${op.vg}/${op.lv} grows from ${formatBytes(lv.sizeBytes)} to ${formatBytes(r.bytes)}${fsSteps.length > 0 ? `, and its ${lv.filesystem ?? ""} filesystem with it` : ""}.`,
    warnings,
  };
}

function fstabMentions(fstab: string, lv: TStorageLv): string[] {
  const names = new Set(
    [lvDevice(lv), lv.path, lv.dmPath, lv.filesystemUuid === null ? null : `UUID=${lv.filesystemUuid}`].filter(
      (n): n is string => n !== null,
    ),
  );
  return fstab
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#") && names.has(l.split(/\s+/)[0] ?? ""));
}

export function planLvRemove(storage: THostStorage, op: Op<"lv.remove">, ctx: StoragePlanContext): StoragePlan {
  requireLvm(storage);
  const lv = findLv(storage, op.vg, op.lv, "op.lv");
  writableVg(storage, op.vg, "op.vg");
  const name = `${op.vg}/${op.lv}`;
  const dependents = storage.lvs.filter(
    (l) => l.vg === op.vg && !l.hidden && ((l.origin === op.lv && l.attr.kind === "snapshot") || l.pool === op.lv),
  );
  if (dependents.length > 0) {
    const what = lv.attr.kind === "thin-pool" ? "thin volumes" : "snapshots";
    throw badInput(
      "op.lv",
      `${name} still has ${what} ${dependents.map((l) => l.name).join(", ")}: remove ${dependents.length > 1 ? "them" : "it"} first`,
    );
  }
  refuseIfHeld("op.lv", name, lvHolders(lv, ctx.usedBy));
  const warnings = ["Removing a volume has no undo: its data is gone."];
  // The same UUID is on a COW snapshot and its origin: only the origin's fstab line is about it.
  if (lv.attr.kind !== "snapshot") {
    for (const line of fstabMentions(readOutput(ctx.reads, FSTAB_READ), lv)) {
      warnings.push(`/etc/fstab still names it: "${line}". Remove that line, or the host may wait for the volume at boot.`);
    }
  }
  return {
    title: lv.attr.kind === "snapshot" ? `Drop snapshot ${name}` : `Remove logical volume ${name}`,
    steps: [
      {
        argv: ["lvremove", "-y", name],
        purpose: `remove ${lv.attr.kind === "snapshot" ? "snapshot" : "logical volume"} ${name} (${formatBytes(lv.sizeBytes)}; no undo)`,
      },
    ],
    summary: `${name} (${formatBytes(lv.sizeBytes)}) is removed${lv.attr.kind === "snapshot" && lv.origin !== null ? `; its origin ${lv.origin} stays as it is now` : ""}.`,
    warnings,
  };
}
