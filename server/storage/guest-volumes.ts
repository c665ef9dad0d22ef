// Which host volumes (image files, ISOs, LVs) the guests use: the storage page shows it
// beside each volume, and a guest start asks LVM that each of its block disks is a real,
// active, unused LV. What must not break: one LV has two names (/dev/VG/LV and
// /dev/mapper/VG-LV) and both must count as the same volume, or a guest using the mapper
// name would look like it uses nothing and its LV could be removed under it.
import { z } from "zod";
import { canonicalVolumePath, isBlockDiskPath } from "../../lib/volume-path";
import { badInput, LabdeckError } from "../errors";
import { decodeLvAttr } from "./lvm-attr";
import { parseJsonOutput } from "../json-output";
import type { HostReader } from "../ssh/host-reader";
import type { ExecResult } from "../ssh/types";

// The rule for the two names of one LV is lib/volume-path.ts (the wizard uses it too).

/**
 * Volume path (LVs as /dev/VG/LV) -> names of the guests whose disks use it, sorted. The
 * caller parses each definition with its kind (a row that no longer parses is left out:
 * the storage page must still load).
 */
export function guestVolumeUsers(guests: readonly { name: string; disks: readonly { path: string }[] }[]): Map<string, string[]> {
  const users = new Map<string, Set<string>>();
  for (const g of guests) {
    for (const d of g.disks) {
      const path = canonicalVolumePath(d.path);
      const set = users.get(path) ?? new Set<string>();
      set.add(g.name);
      users.set(path, set);
    }
  }
  return new Map([...users].map(([path, names]) => [path, [...names].sort()]));
}

/** Asks LVM about one path; exit 5 with an empty report when it is not an LV. */
export function lvCheckArgv(path: string, field = "path"): string[] {
  if (!isBlockDiskPath(path)) throw badInput(field, `"${path}" is not an LV path such as /dev/vg0/web`);
  return ["lvs", "--reportformat", "json", "-o", "lv_path,lv_attr", "--", path];
}

/** The part of an ExecResult the check reads. */
export type LvCheckResult = Pick<ExecResult, "exitStatus" | "stdout" | "stderr"> & { outcome?: ExecResult["outcome"] };

const ZLvCheckReport = z.object({
  report: z.array(z.object({ lv: z.array(z.object({ lv_path: z.string(), lv_attr: z.string() })).default([]) })),
});

// Kinds whose device is not one volume's data: a pool (or its internals) holds other
// volumes, so a guest writing to it would destroy every thin volume in it.
const NOT_A_GUEST_DISK = new Set(["thin-pool", "pool-internal", "vdo-pool", "virtual", "other"]);

/**
 * Refuses, naming `field`, a block disk that is not a usable LV: absent (LVM said so),
 * inactive (no device node for QEMU), a pool or other internal volume, or, for a writable
 * disk, open on the host (mounted, or held by a running guest or another program): two
 * writers on one LV corrupt it, whatever the guest's own filesystem does.
 */
export function checkLvForDisk(res: LvCheckResult, disk: { path: string; readOnly?: boolean | undefined }, field: string): void {
  // No exit status: the question never got its answer, which says nothing about the LV.
  if (res.exitStatus === null) {
    const code = res.outcome === "timeout" ? "SSH_TIMEOUT" : "SSH_UNREACHABLE";
    throw new LabdeckError(code, `${field}: LVM did not answer about ${disk.path} (${res.outcome ?? "no exit status"})`, { field });
  }
  const rows = res.exitStatus === 0 ? ZLvCheckReport.safeParse(parseJsonOutput("lvs", res.stdout, { emptyAs: null })) : null;
  const row = rows?.success ? rows.data.report.flatMap((r) => r.lv)[0] : undefined;
  if (row === undefined) {
    const why = res.stderr.trim().split("\n")[0]?.trim();
    throw badInput(field, `no LV ${disk.path} on this host${why ? ` (${why})` : ""}`);
  }
  const attr = decodeLvAttr(row.lv_attr);
  if (NOT_A_GUEST_DISK.has(attr.kind)) throw badInput(field, `${disk.path} is a ${attr.kind} volume, not one a guest can use as a disk`);
  if (!attr.active) throw badInput(field, `LV ${disk.path} is not active (lvchange -ay it first)`);
  if (attr.open && disk.readOnly !== true) {
    throw badInput(field, `LV ${disk.path} is in use on the host (mounted, or open by a running guest or another program)`);
  }
}

/** Every block disk of a guest checked on its host through `read` (audited by the caller). */
export async function checkBlockDisks(
  disks: readonly { kind: string; path: string; readOnly?: boolean | undefined }[],
  read: HostReader<{ argv: string[]; purpose: string }, LvCheckResult>,
  fieldPrefix = "definition.",
): Promise<void> {
  for (const [i, d] of disks.entries()) {
    if (d.kind !== "block") continue;
    const field = `${fieldPrefix}disks.${i}.path`;
    checkLvForDisk(await read({ argv: lvCheckArgv(d.path, field), purpose: `check the LV ${d.path} for ${field}` }), d, field);
  }
}
