import { z } from "zod";
import { LabdeckError } from "../errors";
import { lsblkEntries, lsblkSize } from "../lsblk-output";

// `lsblk -J -l -b -o NAME,PATH,TYPE,SIZE,FSTYPE,PTTYPE,UUID,LABEL,MOUNTPOINT,PKNAME,SERIAL,RO`
// -> typed block devices, read by the one lsblk reader (server/lsblk-output.ts). util-linux
// before 2.33 printed every JSON value as a string ("1073741824", "0"/"1" for RO); both
// forms are read so an older host is not "broken".
// FSTYPE/UUID/LABEL come from udev's database: right after mkfs they can lag until udev
// has re-probed the device (`udevadm settle`), which is why the write side settles first.

export const ZBlockDevice = z.object({
  /** Kernel name as lsblk shows it: "vdb", "labvg-data" (device-mapper name). */
  name: z.string(),
  path: z.string(),
  /** "disk", "part", "lvm", "crypt", "loop", "rom", "raid1"... as lsblk prints it. */
  type: z.string(),
  sizeBytes: z.number().int(),
  fstype: z.string().nullable(),
  /** "gpt" or "dos": a disk's own partition table, or for a partition the table it sits in. */
  partitionTable: z.string().nullable(),
  uuid: z.string().nullable(),
  label: z.string().nullable(),
  mountpoint: z.string().nullable(),
  /** Kernel name of the parent: a partition's disk, an LV's PV (its first one). */
  parent: z.string().nullable(),
  serial: z.string().nullable(),
  readOnly: z.boolean(),
});
export type TBlockDevice = z.infer<typeof ZBlockDevice>;

const ZText = z
  .string()
  .nullable()
  .optional()
  .transform((v) => (v === undefined || v === null || v === "" ? null : v));
const ZSize = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = lsblkSize(v);
  if (n === null) {
    ctx.addIssue({ code: "custom", message: `size ${String(v)} is not a byte count (was -b lost?)` });
    return z.NEVER;
  }
  return n;
});
const ZFlag = z.union([z.boolean(), z.enum(["0", "1"])]).transform((v) => v === true || v === "1");

const ZRawDevice = z.object({
  name: z.string(),
  path: z.string(),
  type: z.string(),
  size: ZSize,
  fstype: ZText,
  pttype: ZText,
  uuid: ZText,
  label: ZText,
  mountpoint: ZText,
  pkname: ZText,
  serial: ZText,
  ro: ZFlag,
});

export function parseLsblk(stdout: string): TBlockDevice[] {
  // Only the top level is typed: nested devices mean the output is a tree, refused below.
  const top = lsblkEntries(stdout).filter((e) => e.treeParent === null);
  const parsed = z.array(ZRawDevice).safeParse(top.map((e) => e.fields));
  if (!parsed.success) {
    throw new LabdeckError("INTERNAL", `lsblk: unexpected output: ${parsed.error.issues[0]?.message ?? "?"}`, {
      details: { excerpt: stdout.slice(0, 200) },
    });
  }
  if (top.some((e) => e.hasChildren)) {
    throw new LabdeckError("INTERNAL", "lsblk: got a tree; the read step must pass -l (list)");
  }
  const byPath = new Map<string, TBlockDevice>();
  for (const d of parsed.data) {
    // A device with several parents (a RAID or multipath member set) is listed once per
    // parent on some versions; the first entry is kept.
    if (byPath.has(d.path)) continue;
    byPath.set(
      d.path,
      ZBlockDevice.parse({
        name: d.name,
        path: d.path,
        type: d.type,
        sizeBytes: d.size,
        fstype: d.fstype,
        partitionTable: d.pttype,
        uuid: d.uuid,
        label: d.label,
        mountpoint: d.mountpoint,
        parent: d.pkname,
        serial: d.serial,
        readOnly: d.ro,
      }),
    );
  }
  return [...byPath.values()];
}
