import { badInput } from "../../errors";
import type { TPlanStep } from "../../jobs/plan";
import type { TStorageOp } from "../ops";
import type { TBlockDevice } from "../parse-lsblk";
import { formatBytes, parseSize } from "../size";
import type { THostStorage } from "../storage-model";
import { findVg, guestsUsing, needsResolve, requireFreeDisk, requireLvm, resolveDevice, writableVg } from "./checks";
import { resolveDeviceRead } from "./reads";
import type { StorageOpRead, StoragePlan, StoragePlanContext } from "./types";

// Physical volumes and volume groups. A disk becomes a PV only when nothing is on it
// (storage.freeDisks); a PV or VG goes away only when empty. Steps name the disk by the
// kernel path that was checked (/dev/vdb), not the by-id link typed, so what was checked
// is what is acted on.

type Op<K extends TStorageOp["op"]> = Extract<TStorageOp, { op: K }>;

const DEFAULT_EXTENT = "4M";

export function pvVgReads(storage: THostStorage, op: TStorageOp): StorageOpRead[] {
  switch (op.op) {
    case "pv.create":
    case "pv.remove":
    case "vg.extend":
      return needsResolve(storage, op.device) ? [resolveDeviceRead("device", op.device)] : [];
    case "vg.create":
      return op.devices.flatMap((d, i) => (needsResolve(storage, d) ? [resolveDeviceRead(`devices.${i}`, d)] : []));
    default:
      return [];
  }
}

/** "4M", "128K": the largest binary unit that divides the size exactly, as LVM reads it. */
function lvmUnit(bytes: number): string {
  for (const [unit, size] of [
    ["G", 2 ** 30],
    ["M", 2 ** 20],
    ["K", 2 ** 10],
  ] as const) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}b`;
}

function refuseGuests(ctx: StoragePlanContext, field: string, typed: string, dev: TBlockDevice): void {
  const guests = guestsUsing(ctx.usedBy, [typed, dev.path]);
  if (guests.length > 0) throw badInput(field, `${typed} is given to guest${guests.length > 1 ? "s" : ""} ${guests.join(", ")} as a disk`);
}

function pvcreateStep(path: string): TPlanStep {
  return { argv: ["pvcreate", path], purpose: `make ${path} an LVM physical volume`, undo: ["pvremove", path] };
}

/**
 * A device joining a VG: a PV in no VG is used as it is; a free disk gets pvcreate first
 * (returned as a step); anything else is refused with what holds it.
 */
function joiningDevice(storage: THostStorage, ctx: StoragePlanContext, typed: string, readId: string, field: string) {
  const dev = resolveDevice(storage, typed, ctx.reads, readId, field);
  refuseGuests(ctx, field, typed, dev);
  const pv = storage.pvs.find((p) => p.name === dev.path);
  if (pv !== undefined) {
    if (pv.vg !== null) throw badInput(field, `${typed} is already a physical volume of volume group ${pv.vg}`);
    return { path: dev.path, steps: [] as TPlanStep[] };
  }
  requireFreeDisk(storage, dev, field, typed);
  return { path: dev.path, steps: [pvcreateStep(dev.path)] };
}

export function planPvCreate(storage: THostStorage, op: Op<"pv.create">, ctx: StoragePlanContext): StoragePlan {
  requireLvm(storage);
  const dev = resolveDevice(storage, op.device, ctx.reads, "device", "op.device");
  refuseGuests(ctx, "op.device", op.device, dev);
  requireFreeDisk(storage, dev, "op.device", op.device);
  return {
    title: `Create physical volume ${dev.path}`,
    steps: [pvcreateStep(dev.path)],
    summary: `${dev.path} (${formatBytes(dev.sizeBytes)}) becomes an LVM physical volume, ready for a volume group.`,
    warnings: [],
  };
}

export function planPvRemove(storage: THostStorage, op: Op<"pv.remove">, ctx: StoragePlanContext): StoragePlan {
  requireLvm(storage);
  const dev = resolveDevice(storage, op.device, ctx.reads, "device", "op.device");
  const pv = storage.pvs.find((p) => p.name === dev.path);
  if (pv === undefined) throw badInput("op.device", `${op.device} is not an LVM physical volume`);
  if (pv.vg !== null)
    throw badInput(
      "op.device",
      `${op.device} belongs to volume group ${pv.vg}: move its extents off and vgreduce it, or remove the group, first`,
    );
  refuseGuests(ctx, "op.device", op.device, dev);
  return {
    title: `Remove physical volume ${dev.path}`,
    steps: [{ argv: ["pvremove", dev.path], purpose: `wipe the LVM label from ${dev.path}`, undo: ["pvcreate", dev.path] }],
    summary: `${dev.path} stops being an LVM physical volume and becomes a free disk.`,
    warnings: [],
  };
}

export function planVgCreate(storage: THostStorage, op: Op<"vg.create">, ctx: StoragePlanContext): StoragePlan {
  requireLvm(storage);
  if (storage.vgs.some((v) => v.name === op.name)) throw badInput("op.name", `volume group ${op.name} already exists`);
  const extent = parseSize(op.extentSize ?? DEFAULT_EXTENT, "op.extentSize");
  // LVM's own rule for the lvm2 format; an odd extent size would also make every LV size odd.
  if (extent < 1024 || (extent & (extent - 1)) !== 0) {
    throw badInput("op.extentSize", `"${op.extentSize ?? DEFAULT_EXTENT}" is not a power of two of at least 1K`);
  }
  const steps: TPlanStep[] = [];
  const paths: string[] = [];
  op.devices.forEach((typed, i) => {
    const field = `op.devices.${i}`;
    const joining = joiningDevice(storage, ctx, typed, `devices.${i}`, field);
    if (paths.includes(joining.path)) throw badInput(field, `${typed} is listed twice (it is ${joining.path})`);
    paths.push(joining.path);
    steps.push(...joining.steps);
  });
  const ext = lvmUnit(extent);
  steps.push({
    argv: ["vgcreate", "-s", ext, op.name, ...paths],
    purpose: `create volume group ${op.name} on ${paths.join(", ")} with ${formatBytes(extent)} extents`,
    undo: ["vgremove", op.name],
  });
  return {
    title: `Create volume group ${op.name}`,
    steps,
    summary: `Volume group ${op.name} on ${paths.join(", ")}, in extents of ${formatBytes(extent)}.`,
    warnings: [],
  };
}

export function planVgExtend(storage: THostStorage, op: Op<"vg.extend">, ctx: StoragePlanContext): StoragePlan {
  requireLvm(storage);
  writableVg(storage, op.vg, "op.vg");
  const joining = joiningDevice(storage, ctx, op.device, "device", "op.device");
  return {
    title: `Add ${joining.path} to volume group ${op.vg}`,
    steps: [
      ...joining.steps,
      {
        argv: ["vgextend", op.vg, joining.path],
        purpose: `add ${joining.path} to volume group ${op.vg}`,
        undo: ["vgreduce", op.vg, joining.path],
      },
    ],
    summary: `Volume group ${op.vg} grows by ${joining.path}.`,
    warnings: [],
  };
}

export function planVgRemove(storage: THostStorage, op: Op<"vg.remove">): StoragePlan {
  requireLvm(storage);
  const vg = findVg(storage, op.vg, "op.vg");
  const lvs = storage.lvs.filter((l) => l.vg === op.vg && !l.hidden).map((l) => l.name);
  if (lvs.length > 0)
    throw badInput(
      "op.vg",
      `volume group ${op.vg} still holds logical volume${lvs.length > 1 ? "s" : ""} ${lvs.join(", ")}: remove them first`,
    );
  return {
    title: `Remove volume group ${op.vg}`,
    steps: [
      {
        argv: ["vgremove", op.vg],
        purpose: `remove the empty volume group ${op.vg}`,
        // An empty group is fully described by its PVs and extent size (only its UUID is new).
        ...(vg.pvNames.length > 0 ? { undo: ["vgcreate", "-s", lvmUnit(vg.extentSizeBytes), op.vg, ...vg.pvNames] } : {}),
      },
    ],
    summary: `Volume group ${op.vg} goes away; ${vg.pvNames.join(", ") || "its disks"} stay physical volumes in no group.`,
    warnings: [],
  };
}
