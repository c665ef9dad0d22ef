import type { GuestDefinition } from "../api-types";

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

export function formatBytes(bytes: number): string {
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1 && v % 1024 === 0) {
    v /= 1024;
    i++;
  }
  return `${v} ${UNITS[i]}`;
}

export function formatMemory(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`;
}

export function bootLabel(def: GuestDefinition): string {
  switch (def.boot.kind) {
    case "disk":
      return "disk";
    case "cdrom":
      return "CD-ROM";
    case "kernel":
      return "custom kernel";
  }
}
