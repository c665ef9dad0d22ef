import { LabdeckError } from "./errors";
import { parseJsonOutput } from "./json-output";

// The one reader of `lsblk -J -b` output. Two reads ask it: the probe's disk summary (a
// tree of NAME,SIZE,TYPE,MODEL,MOUNTPOINTS: hosts/probe/parse-lsblk.ts) and the storage
// page (`-l`, a flat list with PATH, PKNAME, FSTYPE...: storage/parse-lsblk.ts); each keeps
// only the typing of its own columns. util-linux before 2.33 printed every JSON value as a
// string, and before 2.37 a single MOUNTPOINT instead of the MOUNTPOINTS array: both forms
// read the same here, so an older host is not "broken".

export interface LsblkEntry {
  /** The device's columns as lsblk printed them (lower-case names), children left out. */
  fields: Record<string, unknown>;
  /** In tree output, the name of the device it is nested under; null at the top and in `-l` output. */
  treeParent: string | null;
  /** lsblk nested devices under this one (tree output). */
  hasChildren: boolean;
}

/** Every device in document order, a tree flattened parent first. Throws INTERNAL for anything but lsblk's JSON. */
export function lsblkEntries(stdout: string): LsblkEntry[] {
  const doc = parseJsonOutput("lsblk", stdout);
  const top = (doc as { blockdevices?: unknown } | null)?.blockdevices;
  if (!Array.isArray(top)) {
    throw new LabdeckError("INTERNAL", "lsblk: unexpected output: no blockdevices list", { details: { excerpt: stdout.slice(0, 200) } });
  }
  const out: LsblkEntry[] = [];
  walk(top, null, out);
  return out;
}

function walk(list: unknown[], parent: string | null, out: LsblkEntry[]): void {
  for (const item of list) {
    const { children, ...fields } = (typeof item === "object" && item !== null ? item : {}) as Record<string, unknown>;
    out.push({ fields, treeParent: parent, hasChildren: children !== undefined });
    // A device without a name cannot be anyone's parent: what lsblk nested under it is skipped.
    if (Array.isArray(children) && typeof fields.name === "string") walk(children, fields.name, out);
  }
}

/** A byte count printed as a number or (lsblk < 2.33) a string of digits; null for anything else (was -b lost?). */
export function lsblkSize(v: unknown): number | null {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : Number.NaN;
  return Number.isSafeInteger(n) ? n : null;
}

/** MOUNTPOINTS (util-linux >= 2.37) or the older single MOUNTPOINT, empty entries dropped. */
export function lsblkMountpoints(fields: Record<string, unknown>): string[] {
  const raw: unknown[] = Array.isArray(fields.mountpoints) ? fields.mountpoints : [fields.mountpoint];
  return raw.filter((m): m is string => typeof m === "string" && m !== "");
}
