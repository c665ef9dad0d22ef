import { z } from "zod";

// The attribute strings of pvs/vgs/lvs (man lvs, "lv_attr bits"), decoded once here so no
// page or plan tests single characters. The kind of an LV decides what may be done to it
// (a thin pool's data volume must never be offered for removal on its own; a snapshot is
// merged, not resized like its origin), so a letter this table does not know comes out
// as "other", never as "linear".

export const ZLvKind = z.enum([
  "linear", // "-": plain linear or striped volume
  "origin", // o/O: has (or is merging) a snapshot
  "snapshot", // s/S: old-style COW snapshot
  "thin-pool", // t
  "thin", // V: thin volume (a thin snapshot is a thin volume with an origin)
  "pool-internal", // T/e/D: a pool's data or metadata, or the metadata spare
  "mirror-or-raid", // m/M/r/R/i/I/l
  "cache", // C
  "vdo-pool", // d
  "virtual", // v
  "other",
]);
export type TLvKind = z.infer<typeof ZLvKind>;

const KIND_BY_LETTER: Readonly<Record<string, TLvKind>> = {
  "-": "linear",
  o: "origin",
  O: "origin",
  s: "snapshot",
  S: "snapshot",
  t: "thin-pool",
  V: "thin",
  T: "pool-internal",
  e: "pool-internal",
  D: "pool-internal",
  m: "mirror-or-raid",
  M: "mirror-or-raid",
  r: "mirror-or-raid",
  R: "mirror-or-raid",
  i: "mirror-or-raid",
  I: "mirror-or-raid",
  l: "mirror-or-raid",
  C: "cache",
  d: "vdo-pool",
  v: "virtual",
};

export const ZLvState = z.enum([
  "active",
  "inactive",
  "suspended",
  "invalid-snapshot", // I/S: the snapshot overflowed its COW space and is useless now
  "merge-failed",
  "check-needed", // c/C: thin pool needs thin_check
  "unknown",
]);
export type TLvState = z.infer<typeof ZLvState>;

const STATE_BY_LETTER: Readonly<Record<string, TLvState>> = {
  a: "active",
  "-": "inactive",
  h: "inactive",
  s: "suspended",
  I: "invalid-snapshot",
  S: "invalid-snapshot",
  m: "merge-failed",
  M: "merge-failed",
  c: "check-needed",
  C: "check-needed",
  d: "unknown",
  i: "unknown",
  X: "unknown",
};

export const ZLvAttr = z.object({
  kind: ZLvKind,
  /** Letter 1 is "O" or "S": a snapshot merge into its origin is under way. */
  merging: z.boolean(),
  writable: z.boolean(),
  state: ZLvState,
  /** Activated: has a device-mapper device (state other than inactive). */
  active: z.boolean(),
  /** Something holds the device open: mounted, used by a guest, or a stacked device. */
  open: z.boolean(),
  /** Letter 10 "k": not activated by vgchange -ay (default for thin snapshots). */
  skipActivation: z.boolean(),
  /** Letter 9: p(artial), r(efresh needed), F(ailed thin pool), D (out of data space), M (metadata read-only)... */
  health: z.string().nullable(),
  raw: z.string(),
});
export type TLvAttr = z.infer<typeof ZLvAttr>;

export function decodeLvAttr(attr: string): TLvAttr {
  const at = (i: number) => attr.charAt(i);
  const state = STATE_BY_LETTER[at(4)] ?? "unknown";
  return {
    kind: KIND_BY_LETTER[at(0)] ?? "other",
    merging: at(0) === "O" || at(0) === "S",
    writable: at(1) === "w",
    state,
    // Every state letter but "-", "h" (historical: removed) and "X" means a mapped device exists.
    active: at(4) !== "" && !["-", "h", "X"].includes(at(4)),
    open: at(5) === "o",
    skipActivation: at(9) === "k",
    health: at(8) === "-" || at(8) === "" ? null : at(8),
    raw: attr,
  };
}

export const ZVgAttr = z.object({
  writable: z.boolean(),
  resizeable: z.boolean(),
  exported: z.boolean(),
  /** One or more PVs are missing: writing to this VG can lose data. */
  partial: z.boolean(),
  raw: z.string(),
});
export type TVgAttr = z.infer<typeof ZVgAttr>;

export function decodeVgAttr(attr: string): TVgAttr {
  return {
    writable: attr.charAt(0) === "w",
    resizeable: attr.charAt(1) === "z",
    exported: attr.charAt(2) === "x",
    partial: attr.charAt(3) === "p",
    raw: attr,
  };
}

export const ZPvAttr = z.object({
  allocatable: z.boolean(),
  exported: z.boolean(),
  missing: z.boolean(),
  /** "d": the same PV UUID seen on two devices (multipath or a cloned disk). */
  duplicate: z.boolean(),
  raw: z.string(),
});
export type TPvAttr = z.infer<typeof ZPvAttr>;

export function decodePvAttr(attr: string): TPvAttr {
  return {
    allocatable: attr.charAt(0) === "a",
    duplicate: attr.charAt(0) === "d",
    exported: attr.charAt(1) === "x",
    missing: attr.charAt(2) === "m",
    raw: attr,
  };
}
