import { z } from "zod";
import { LabdeckError } from "../errors";
import { parseJsonOutput } from "../json-output";
import { decodeLvAttr, decodePvAttr, decodeVgAttr, ZLvAttr, ZPvAttr, ZVgAttr } from "./lvm-attr";

// `pvs|vgs|lvs --reportformat json --units b --nosuffix` -> typed PVs, VGs and LVs. LVM
// prints every value as a string ("2147483648", "" for "not applicable"), so each number
// is checked to be all digits before it is believed: a size that did not parse must fail
// the read, never turn into 0 and let a shrink plan think a volume is empty.

export const ZPv = z.object({
  name: z.string(),
  /** null: a PV not in any VG yet (pvcreate done, vgcreate not). */
  vg: z.string().nullable(),
  sizeBytes: z.number().int(),
  freeBytes: z.number().int(),
  uuid: z.string(),
  attr: ZPvAttr,
});
export type TPv = z.infer<typeof ZPv>;

export const ZVg = z.object({
  name: z.string(),
  sizeBytes: z.number().int(),
  freeBytes: z.number().int(),
  extentSizeBytes: z.number().int(),
  extentCount: z.number().int(),
  freeExtents: z.number().int(),
  uuid: z.string(),
  attr: ZVgAttr,
});
export type TVg = z.infer<typeof ZVg>;

export const ZLv = z.object({
  /** Without LVM's brackets; `hidden` says it had them ([pool_tdata], [lvol0_pmspare]). */
  name: z.string(),
  vg: z.string(),
  hidden: z.boolean(),
  sizeBytes: z.number().int(),
  attr: ZLvAttr,
  /** The origin of a snapshot (COW or thin), or null. */
  origin: z.string().nullable(),
  /** Snapshot: COW space used; thin pool and thin volume: data space used. 0-100. */
  dataPercent: z.number().nullable(),
  /** Thin pool: metadata space used. */
  metadataPercent: z.number().nullable(),
  /** Thin volume: its pool. */
  pool: z.string().nullable(),
  /** /dev/VG/LV; empty for hidden volumes. */
  path: z.string().nullable(),
  /** /dev/mapper/VG-LV, the name lsblk and findmnt use. */
  dmPath: z.string().nullable(),
  uuid: z.string(),
  segments: z.number().int(),
});
export type TLv = z.infer<typeof ZLv>;

type Section = "pv" | "vg" | "lv";

const ZRow = z.record(z.string(), z.string());

function rows(step: Section, stdout: string): Record<string, string>[] {
  const parsed = z.object({ report: z.array(z.record(z.string(), z.unknown())) }).safeParse(parseJsonOutput(`${step}s`, stdout));
  if (!parsed.success) {
    throw new LabdeckError("INTERNAL", `${step}s: not an LVM JSON report`, { details: { excerpt: stdout.slice(0, 200) } });
  }
  return parsed.data.report.flatMap((r) => z.array(ZRow).parse(r[step] ?? []));
}

function field(step: string, row: Record<string, string>, key: string): string {
  const v = row[key];
  if (v === undefined) throw new LabdeckError("INTERNAL", `${step}: field ${key} missing from the report`);
  return v;
}

function bytes(step: string, row: Record<string, string>, key: string): number {
  const v = field(step, row, key);
  if (!/^\d+$/.test(v)) {
    throw new LabdeckError("INTERNAL", `${step}: ${key} is "${v}", not a whole number (was --units b --nosuffix lost?)`);
  }
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new LabdeckError("INTERNAL", `${step}: ${key} ${v} is beyond exact integers`);
  return n;
}

function percent(step: string, row: Record<string, string>, key: string): number | null {
  const v = field(step, row, key);
  if (v === "") return null;
  if (!/^\d+(\.\d+)?$/.test(v)) throw new LabdeckError("INTERNAL", `${step}: ${key} is "${v}", not a percentage`);
  return Number(v);
}

const orNull = (v: string): string | null => (v === "" ? null : v);
const unbracket = (v: string): string => v.replace(/^\[(.*)\]$/, "$1");

export function parsePvs(stdout: string): TPv[] {
  return rows("pv", stdout).map((r) =>
    ZPv.parse({
      name: field("pvs", r, "pv_name"),
      vg: orNull(field("pvs", r, "vg_name")),
      sizeBytes: bytes("pvs", r, "pv_size"),
      freeBytes: bytes("pvs", r, "pv_free"),
      uuid: field("pvs", r, "pv_uuid"),
      attr: decodePvAttr(field("pvs", r, "pv_attr")),
    }),
  );
}

export function parseVgs(stdout: string): TVg[] {
  return rows("vg", stdout).map((r) =>
    ZVg.parse({
      name: field("vgs", r, "vg_name"),
      sizeBytes: bytes("vgs", r, "vg_size"),
      freeBytes: bytes("vgs", r, "vg_free"),
      extentSizeBytes: bytes("vgs", r, "vg_extent_size"),
      extentCount: bytes("vgs", r, "vg_extent_count"),
      freeExtents: bytes("vgs", r, "vg_free_count"),
      uuid: field("vgs", r, "vg_uuid"),
      attr: decodeVgAttr(field("vgs", r, "vg_attr")),
    }),
  );
}

export function parseLvs(stdout: string): TLv[] {
  return rows("lv", stdout).map((r) => {
    const rawName = field("lvs", r, "lv_name");
    return ZLv.parse({
      name: unbracket(rawName),
      vg: field("lvs", r, "vg_name"),
      hidden: rawName.startsWith("["),
      sizeBytes: bytes("lvs", r, "lv_size"),
      attr: decodeLvAttr(field("lvs", r, "lv_attr")),
      // A hidden volume's origin and pool are printed bracketed too ([thinvol_tdata]).
      origin: orNull(unbracket(field("lvs", r, "origin"))),
      dataPercent: percent("lvs", r, "data_percent"),
      metadataPercent: percent("lvs", r, "metadata_percent"),
      pool: orNull(unbracket(field("lvs", r, "pool_lv"))),
      path: orNull(field("lvs", r, "lv_path")),
      dmPath: orNull(field("lvs", r, "lv_dm_path")),
      uuid: field("lvs", r, "lv_uuid"),
      segments: bytes("lvs", r, "seg_count"),
    });
  });
}
