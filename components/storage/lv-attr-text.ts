import type { TStorageLv } from "./storage-types";

// The decoded lv_attr as words for the page: what kind of volume it is and anything about
// its state worth a second look. The server decoded the letters (server/storage/lvm-attr.ts);
// this only names them.

const KIND: Record<TStorageLv["attr"]["kind"], string> = {
  linear: "linear",
  origin: "origin",
  snapshot: "snapshot",
  "thin-pool": "thin pool",
  thin: "thin volume",
  "pool-internal": "pool internal",
  "mirror-or-raid": "mirror/RAID",
  cache: "cache",
  "vdo-pool": "VDO pool",
  virtual: "virtual",
  other: "other",
};

const STATE: Record<TStorageLv["attr"]["state"], string | null> = {
  active: null,
  inactive: "inactive",
  suspended: "suspended",
  "invalid-snapshot": "invalid (overflowed)",
  "merge-failed": "merge failed",
  "check-needed": "needs thin_check",
  unknown: "state unknown",
};

export function lvKindLabel(lv: TStorageLv): string {
  return KIND[lv.attr.kind];
}

/** Words for the flags that matter: "read-only", "open", "merging", "inactive"... */
export function lvFlags(lv: TStorageLv): string[] {
  const a = lv.attr;
  const flags: string[] = [];
  const state = STATE[a.state];
  if (state) flags.push(state);
  if (!a.writable) flags.push("read-only");
  if (a.open) flags.push("open");
  if (a.merging) flags.push("merging");
  if (a.skipActivation) flags.push("skip activation");
  if (a.health !== null) flags.push(`health ${a.health}`);
  return flags;
}
