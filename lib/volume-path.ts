// The two names of one LV: /dev/VG/LV (what lvs prints in lv_path) and its device-mapper
// twin /dev/mapper/VG-LV. What must not break: both name the same volume (the storage
// page's "used by", the guest start's LV check, the wizard's VG/LV pickers), or a guest
// using the mapper name would look like it uses nothing and its LV could be removed under it.

import { ZLvmName } from "./names";

/**
 * VG and LV of /dev/mapper/VG-LV; null for anything else. Device-mapper doubles each dash
 * inside a name, so the split is at the first single dash; a second single dash means a
 * sub-device (VG-LV-real, VG-LV-cow), not an LV.
 */
function lvOfMapperPath(path: string): { vg: string; lv: string } | null {
  const dm = /^\/dev\/mapper\/(.+)$/.exec(path)?.[1];
  if (dm === undefined) return null;
  const parts = dm.split(/(?<!-)-(?!-)/);
  if (parts.length !== 2) return null;
  const [vg = "", lv = ""] = parts.map((p) => p.replace(/--/g, "-"));
  return vg !== "" && lv !== "" ? { vg, lv } : null;
}

/** VG and LV of /dev/VG/LV or /dev/mapper/VG-LV; null for anything else. */
export function lvOfPath(path: string): { vg: string; lv: string } | null {
  const direct = /^\/dev\/([^/]+)\/([^/]+)$/.exec(path);
  if (direct?.[1] !== undefined && direct[2] !== undefined && direct[1] !== "mapper") return { vg: direct[1], lv: direct[2] };
  return lvOfMapperPath(path);
}

/** /dev/mapper/VG-LV as /dev/VG/LV; anything else as given. */
export function canonicalVolumePath(path: string): string {
  const lv = lvOfMapperPath(path);
  return lv === null ? path : `/dev/${lv.vg}/${lv.lv}`;
}

// A device-mapper name as /dev/mapper shows it: VG-LV with every dash inside a name doubled.
const DM_NAME = /^[A-Za-z0-9_+][A-Za-z0-9_.+-]{0,127}$/;

/**
 * A block device a guest may be given: an LV as /dev/VG/LV (LVM's own name rules) or its
 * device-mapper twin /dev/mapper/VG-LV. Nothing else: /dev/sda or /dev/net/tun must never
 * reach -drive, and the start plan asks LVM whether the path really is an LV.
 */
export function isBlockDiskPath(path: string): boolean {
  const parts = path.split("/");
  if (parts.length !== 4 || parts[0] !== "" || parts[1] !== "dev") return false;
  const [, , dir = "", name = ""] = parts;
  if (dir === "mapper") return DM_NAME.test(name) && name !== "control";
  return ZLvmName.safeParse(dir).success && ZLvmName.safeParse(name).success;
}
