import type { TDisk } from "./capabilities";

// `lsblk -J -b` -> a flat device list (children keep a parent name). Accepts both the
// MOUNTPOINTS array of util-linux >= 2.37 and the older single MOUNTPOINT, and sizes as
// numbers or strings (lsblk < 2.33 printed every JSON value as a string).

interface RawDevice {
  name?: unknown;
  size?: unknown;
  type?: unknown;
  model?: unknown;
  mountpoint?: unknown;
  mountpoints?: unknown;
  children?: unknown;
}

/** lsblk exits 1 with this when a column does not exist in its version. */
export function isUnknownLsblkColumn(stderr: string): boolean {
  return /unknown column/i.test(stderr);
}

export function parseLsblk(text: string): TDisk[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  const top = (doc as { blockdevices?: unknown } | null)?.blockdevices;
  const out: TDisk[] = [];
  walk(top, null, out);
  return out;
}

function walk(list: unknown, parent: string | null, out: TDisk[]): void {
  if (!Array.isArray(list)) return;
  for (const item of list as RawDevice[]) {
    if (typeof item?.name !== "string") continue;
    out.push({
      name: item.name,
      sizeBytes: toSize(item.size),
      type: typeof item.type === "string" ? item.type : "unknown",
      model: typeof item.model === "string" && item.model.trim() !== "" ? item.model.trim() : null,
      mountpoints: mountpoints(item),
      parent,
    });
    walk(item.children, item.name, out);
  }
}

function toSize(v: unknown): number {
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

function mountpoints(item: RawDevice): string[] {
  const raw = Array.isArray(item.mountpoints) ? item.mountpoints : [item.mountpoint];
  return raw.filter((m): m is string => typeof m === "string" && m !== "");
}
