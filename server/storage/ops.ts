import { z } from "zod";
import { ZLvmName } from "../../lib/names";
import { ZAbsPath } from "../names";
import { safeTextCheck } from "../safe-text";

// The vocabulary of storage changes: one op is one user action on the storage page (or
// the guest wizard's "make an LV now"), planned by server/storage/plan/ against the
// host's THostStorage into a plan with undo steps. Sizes stay the text the user typed
// ("10G", explicit binary units) until the planner parses them, so a refusal names the
// field and quotes what was typed. Names follow LVM's own rules, checked here before
// anything reaches a host.

// LVM's name rule (ZLvmName) lives in lib/names.ts: the guest wizard and the guest
// definition check the same names.

/** A size with an explicit binary unit: "10G", "512M", "1.5T", "4096B" (parsed by size.ts). */
export const ZSizeText = z.string().min(2).max(32).superRefine(safeTextCheck());

/** A whole block device: /dev/vdb, /dev/sdc, /dev/nvme1n1, /dev/disk/by-id/…. */
export const ZDevicePath = z.string().regex(/^\/dev\/[A-Za-z0-9][A-Za-z0-9._:/-]{0,200}$/, "a device path such as /dev/vdb");

export const ZFilesystem = z.enum(["ext4", "xfs", "swap"]);
export type TFilesystem = z.infer<typeof ZFilesystem>;

const ZLvRef = { vg: ZLvmName, lv: ZLvmName };

export const ZStorageOp = z.discriminatedUnion("op", [
  z.object({ op: z.literal("pv.create"), device: ZDevicePath }),
  z.object({ op: z.literal("pv.remove"), device: ZDevicePath }),
  /** extentSize: a power of two, at least 1K ("4M" is LVM's default). */
  z.object({ op: z.literal("vg.create"), name: ZLvmName, devices: z.array(ZDevicePath).min(1).max(32), extentSize: ZSizeText.optional() }),
  z.object({ op: z.literal("vg.extend"), vg: ZLvmName, device: ZDevicePath }),
  z.object({ op: z.literal("vg.remove"), vg: ZLvmName }),
  /** By size (rounded up to whole extents, as lvcreate does) or by extent count. */
  z.object({
    op: z.literal("lv.create"),
    vg: ZLvmName,
    name: ZLvmName,
    size: ZSizeText.optional(),
    extents: z.number().int().min(1).optional(),
    filesystem: ZFilesystem.optional(),
    /** Mount it there after mkfs (ext4/xfs only). */
    mountpoint: ZAbsPath.optional(),
    /** Also write an /etc/fstab line for the mount (by UUID). */
    fstab: z.boolean().optional(),
  }),
  /** New total size; the filesystem grows with it in the same plan (online for ext4 and xfs). */
  z.object({ op: z.literal("lv.grow"), ...ZLvRef, size: ZSizeText }),
  /**
   * New total size, filesystem first: unmount, fsck, resize2fs, lvreduce, mount again.
   * ext4 only; `confirm` must be the text "vg/lv" typed by the user.
   */
  z.object({ op: z.literal("lv.shrink"), ...ZLvRef, size: ZSizeText, confirm: z.string().max(200).superRefine(safeTextCheck()) }),
  z.object({ op: z.literal("lv.remove"), ...ZLvRef }),
  z.object({ op: z.literal("snapshot.create"), vg: ZLvmName, origin: ZLvmName, name: ZLvmName, size: ZSizeText }),
  /** Merge the snapshot back into its origin: the origin returns to the snapshot's content. */
  z.object({ op: z.literal("snapshot.merge"), vg: ZLvmName, name: ZLvmName }),
  z.object({ op: z.literal("image.create"), path: ZAbsPath, format: z.enum(["qcow2", "raw"]), size: ZSizeText }),
  /** Grow only: shrinking an image cuts off whatever the guest wrote at its end. */
  z.object({ op: z.literal("image.resize"), path: ZAbsPath, size: ZSizeText }),
  z.object({ op: z.literal("image.convert"), path: ZAbsPath, target: ZAbsPath, format: z.enum(["qcow2", "raw"]) }),
  /** The file-based recipe for a guest root or swap: a raw file of that size, then mkfs.ext4 -F or mkswap. */
  z.object({ op: z.literal("rootfile.create"), path: ZAbsPath, size: ZSizeText, filesystem: z.enum(["ext4", "swap"]) }),
]);
export type TStorageOp = z.infer<typeof ZStorageOp>;
export type StorageOpName = TStorageOp["op"];
