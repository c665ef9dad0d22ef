import type { HostReadStep } from "../ssh/host-reader";

// The read-only commands that learn a host's disks, LVM and mounts. Every step is an argv
// array that changes nothing: no step may activate, scan-and-fix or lock for writing (so
// no vgscan --mknodes, no pvscan --cache, no lvchange). Step ids are the keys
// storage-model.ts expects; renaming one breaks assembly.

export interface StorageReadStep extends HostReadStep {
  id: StorageReadStepId;
  /** The tool may be missing (no lvm2 on the host): a failure means "no LVM", not a failed read. */
  optional?: boolean;
  /** LVM reads the devices themselves: a non-root user gets "permission denied" here. */
  needsRoot?: boolean;
}

export type StorageReadStepId = "pvs" | "vgs" | "lvs" | "lsblk" | "findmnt" | "df";

// JSON with every number as a plain byte count: --units b --nosuffix prints "2147483648"
// where the default would print "<2.00g", rounded and decorated for humans.
const LVM_REPORT = ["--reportformat", "json", "--units", "b", "--nosuffix"];

export const PV_FIELDS = ["pv_name", "vg_name", "pv_size", "pv_free", "pv_uuid", "pv_attr"] as const;
export const VG_FIELDS = [
  "vg_name",
  "vg_size",
  "vg_free",
  "vg_extent_size",
  "vg_extent_count",
  "vg_free_count",
  "vg_attr",
  "vg_uuid",
] as const;
export const LV_FIELDS = [
  "lv_name",
  "vg_name",
  "lv_size",
  "lv_attr",
  "origin",
  "data_percent",
  "metadata_percent",
  "pool_lv",
  "lv_path",
  "lv_dm_path",
  "lv_uuid",
  "seg_count",
] as const;
// PTTYPE: a disk with a partition table but no partitions yet has no FSTYPE and no
// children; only this column says it is in use.
export const LSBLK_COLUMNS = [
  "NAME",
  "PATH",
  "TYPE",
  "SIZE",
  "FSTYPE",
  "PTTYPE",
  "UUID",
  "LABEL",
  "MOUNTPOINT",
  "PKNAME",
  "SERIAL",
  "RO",
] as const;
export const FINDMNT_COLUMNS = ["TARGET", "SOURCE", "FSTYPE", "OPTIONS"] as const;

export function storageReadSteps(): StorageReadStep[] {
  return [
    {
      id: "pvs",
      argv: ["pvs", ...LVM_REPORT, "-o", PV_FIELDS.join(",")],
      purpose: "list LVM physical volumes",
      optional: true,
      needsRoot: true,
    },
    {
      id: "vgs",
      argv: ["vgs", ...LVM_REPORT, "-o", VG_FIELDS.join(",")],
      purpose: "list LVM volume groups with their extents",
      optional: true,
      needsRoot: true,
    },
    {
      // -a: also the hidden volumes ([pool_tdata], [lvol0_pmspare]) that hold a thin pool's
      // space; without them the VG's used extents do not add up.
      id: "lvs",
      argv: ["lvs", "-a", ...LVM_REPORT, "-o", LV_FIELDS.join(",")],
      purpose: "list LVM logical volumes, snapshots and thin pools",
      optional: true,
      needsRoot: true,
    },
    {
      // -l: a flat list; the tree repeats a device under each parent (a snapshot's origin
      // sits under both its -real and its -cow device). UUID/LABEL from udev's database
      // need no root, unlike blkid probing the device itself.
      id: "lsblk",
      argv: ["lsblk", "-J", "-l", "-b", "-o", LSBLK_COLUMNS.join(",")],
      purpose: "list block devices with sizes, filesystems and mount points",
    },
    {
      // No SIZE/USED columns: those statfs() every mount, and a dead NFS server would
      // hang the whole read.
      id: "findmnt",
      argv: ["findmnt", "-J", "-l", "-b", "-o", FINDMNT_COLUMNS.join(",")],
      purpose: "list mounted filesystems",
    },
    {
      // -l: local filesystems only; df skips remote ones (NFS, CIFS, sshfs) before it calls
      // statfs(), so a dead server cannot hang the read. Only a missing df or a stuck local
      // mount makes it fail, and then the page just lacks the used/free column.
      id: "df",
      argv: ["df", "-l", "-B1", "--output=used,avail,size,target"],
      purpose: "read the space used and free on local filesystems",
      optional: true,
    },
  ];
}
