import { lsblkEntries, lsblkMountpoints, lsblkSize, type LsblkEntry } from "../../lsblk-output";
import type { TDisk } from "./capabilities";

// `lsblk -J -b` (a tree) -> the probe's flat disk summary (children keep a parent name),
// read by the one lsblk reader (server/lsblk-output.ts). The probe is a summary: output it
// cannot read means "no disks listed", never a failed probe.

/** lsblk exits 1 with this when a column does not exist in its version. */
export function isUnknownLsblkColumn(stderr: string): boolean {
  return /unknown column/i.test(stderr);
}

export function parseLsblk(text: string): TDisk[] {
  let entries: LsblkEntry[];
  try {
    entries = lsblkEntries(text);
  } catch {
    return [];
  }
  return entries.flatMap(({ fields: f, treeParent }) => {
    if (typeof f.name !== "string") return [];
    const size = lsblkSize(f.size);
    return [
      {
        name: f.name,
        sizeBytes: size !== null && size >= 0 ? size : 0,
        type: typeof f.type === "string" ? f.type : "unknown",
        model: typeof f.model === "string" && f.model.trim() !== "" ? f.model.trim() : null,
        mountpoints: lsblkMountpoints(f),
        parent: treeParent,
      },
    ];
  });
}
