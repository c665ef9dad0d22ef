import type { Db } from "../db";
import { badInput, LabdeckError } from "../errors";
import { assertUnderRoots } from "../names";
import type { GuestDisk } from "../hypervisors/contract";
import { readableDefinitionOf } from "../hypervisors/registry";
import type { GuestImageFormat } from "../../lib/image-formats";
import { checkImageWithinRoots, imageInfoArgv, parseImageInfo } from "../storage/images/image-info";
import { parseSniff, sniffArgv } from "../storage/images/image-sniff";
import type { ExecResult } from "../ssh/types";

// What a guest's disk images are made of, asked of the host before a start (with the
// stored format forced, never probed), once when a user adds an existing image (a
// suggestion the wizard shows), and which of them Labdeck may remove with the guest.
// What must not break: "delete with images" removes only paths recorded when Labdeck's own
// start created them, never a file a definition merely names.

export type HostRead = (argv: string[]) => Promise<ExecResult>;

const firstLine = (t: string) => t.trim().split("\n")[0]?.slice(0, 300) ?? "";

async function inspect(read: HostRead, path: string, format: GuestImageFormat, roots: readonly string[], field: string) {
  const res = await read(imageInfoArgv(path, format));
  if (res.exitStatus !== 0) throw badInput(field, `cannot read ${path} as ${format}: ${firstLine(res.stderr) || res.outcome}`);
  const info = parseImageInfo(res.stdout, path);
  checkImageWithinRoots(info, roots, field);
  return info;
}

/**
 * Checks every image disk that exists (existing images, and new images made by an earlier
 * start) with its stored format, refusing one that reaches outside the roots; returns the
 * indices of new images still to be created.
 */
export async function checkDiskImages(
  disks: readonly GuestDisk[],
  roots: readonly string[],
  read: HostRead,
): Promise<{ toCreate: number[] }> {
  const newImages = disks.flatMap((d, i) => (d.kind === "new-image" ? [{ i, path: d.path }] : []));
  let existing = new Set<string>();
  if (newImages.length > 0) {
    const ls = await read(["ls", "-1d", "--", ...newImages.map((d) => d.path)]);
    existing = new Set(ls.stdout.split("\n").filter(Boolean));
  }
  for (const [i, d] of disks.entries()) {
    if (d.kind === "existing-image") {
      if (d.format === undefined) {
        throw badInput(
          `definition.disks.${i}.format`,
          `no format is stored for ${d.path} (saved before Labdeck stored formats); edit the guest and choose raw or qcow2`,
        );
      }
      await inspect(read, d.path, d.format, roots, `definition.disks.${i}.path`);
    } else if (d.kind === "new-image" && existing.has(d.path)) {
      await inspect(read, d.path, d.format, roots, `definition.disks.${i}.path`);
    }
  }
  return { toCreate: newImages.filter((d) => !existing.has(d.path)).map((d) => d.i) };
}

export interface ImageFormatReading {
  path: string;
  /** What the first bytes say, e.g. "qcow2", "raw", "vmdk"; null when there is no such file. */
  detected: string | null;
  /** The format to store, when the file is raw or qcow2 and passed the chain checks. */
  format: GuestImageFormat | null;
  virtualSize: number | null;
  /** Why the file cannot be a disk (or cannot be read as `detected`), for the wizard to show. */
  problem: string | null;
}

/**
 * The one-time read of an existing image the wizard shows the user: the file's magic
 * (never QEMU's probe), then qemu-img info with that format forced and the chain checked.
 */
export async function readImageFormat(read: HostRead, path: string, roots: readonly string[]): Promise<ImageFormatReading> {
  assertUnderRoots("path", path, roots);
  const res = await read(sniffArgv(path));
  if (res.exitStatus !== 0)
    throw new LabdeckError("INTERNAL", `cannot read the header of ${path}: ${firstLine(res.stderr) || res.outcome}`);
  const sniff = parseSniff(res.stdout);
  const base = { path, virtualSize: null };
  if (sniff.kind === "absent") return { ...base, detected: null, format: null, problem: `${path} is not a regular file on the host` };
  if (sniff.kind === "other")
    return {
      ...base,
      detected: sniff.format,
      format: null,
      problem: `${path} looks like a ${sniff.format} image; Labdeck gives guests raw and qcow2 only (convert it, or choose raw to see its bytes as they are)`,
    };
  try {
    const info = await inspect(read, path, sniff.format, roots, "path");
    return { path, detected: sniff.format, format: sniff.format, virtualSize: info.virtualSize, problem: null };
  } catch (e) {
    if (e instanceof LabdeckError && e.code === "BAD_INPUT")
      return { ...base, detected: sniff.format, format: null, problem: e.message.replace(/^path: /, "") };
    throw e;
  }
}

export function createdImagesOf(row: { createdImagesJson: string | null }): string[] {
  const raw: unknown = row.createdImagesJson ? JSON.parse(row.createdImagesJson) : [];
  return Array.isArray(raw) ? raw.filter((p): p is string => typeof p === "string") : [];
}

/** Notes the images a succeeded start created, so a later delete may remove exactly those. */
export async function recordCreatedImages(db: Db, guestId: string, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  await db.$transaction(async (tx) => {
    const row = await tx.guest.findUniqueOrThrow({ where: { id: guestId } });
    const all = [...new Set([...createdImagesOf(row), ...paths])];
    await tx.guest.update({ where: { id: guestId }, data: { createdImagesJson: JSON.stringify(all) } });
  });
}

/**
 * The files "delete with images" removes: those Labdeck created for this guest that are
 * still its new-image disks, and that no other guest in the inventory names as a disk.
 */
export async function imagesToDelete(
  db: Db,
  guest: { id: string; createdImagesJson: string | null },
  disks: readonly GuestDisk[],
): Promise<string[]> {
  const created = new Set(createdImagesOf(guest));
  const others = await db.guest.findMany({ where: { id: { not: guest.id } }, select: { hypervisor: true, definitionJson: true } });
  const usedElsewhere = new Set(
    others.flatMap((o) => {
      const read = readableDefinitionOf(o);
      return read ? read.hv.definition.disks(read.def).map((d) => d.path) : [];
    }),
  );
  return disks.flatMap((d) => (d.kind === "new-image" && created.has(d.path) && !usedElsewhere.has(d.path) ? [d.path] : []));
}
