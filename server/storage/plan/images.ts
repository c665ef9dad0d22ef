import path from "node:path";
import { badInput } from "../../errors";
import type { TPlanStep } from "../../jobs/plan";
import { assertUnderRoots } from "../../names";
import { checkImageWithinRoots } from "../images/image-info";
import type { TStorageOp } from "../ops";
import { formatBytes, resolveSize } from "../size";
import { guestsUsing, positiveSize } from "./checks";
import { mkfsStep } from "./fs-steps";
import { parsePathKind, parseQemuInfo, pathKindRead, qemuInfoRead, readOutput, type PathKind } from "./reads";
import type { StorageOpRead, StoragePlan, StoragePlanContext } from "./types";

// Disk images and root/swap files under the host's roots. Nothing outside the roots is
// ever written or read (a convert whose source sits outside them, or whose backing file
// does, would copy a host file into a guest-visible image), and nothing existing is ever
// overwritten: the undo of a create is `rm -f`, which must only ever remove what the plan made.

type Op<K extends TStorageOp["op"]> = Extract<TStorageOp, { op: K }>;
type ImageOp = Op<"image.create" | "image.resize" | "image.convert" | "rootfile.create">;

const SECTOR = 512;
const ROOTFILE_MIN_BYTES = 2 ** 20;

const parentRead = (id: string, file: string) =>
  pathKindRead(id, path.posix.dirname(file), `check that ${path.posix.dirname(file)} is a directory`);

export function imageReads(op: ImageOp): StorageOpRead[] {
  switch (op.op) {
    case "image.create":
    case "rootfile.create":
      return [pathKindRead("path", op.path, `check that ${op.path} does not exist yet`), parentRead("parent", op.path)];
    case "image.resize":
      return [qemuInfoRead("info", op.path)];
    case "image.convert":
      return [
        qemuInfoRead("info", op.path),
        pathKindRead("target", op.target, `check that ${op.target} does not exist yet`),
        parentRead("target-parent", op.target),
      ];
  }
}

const KIND_TEXT: Record<Exclude<PathKind, "absent">, string> = {
  file: "a file",
  dir: "a directory",
  link: "a symbolic link",
  other: "a special file",
};

/** A path a create writes: absent, in an existing directory. */
function newPath(ctx: StoragePlanContext, field: string, file: string, readId: string, parentId: string): void {
  const kind = parsePathKind(readId, readOutput(ctx.reads, readId));
  if (kind !== "absent") throw badInput(field, `${file} already exists (${KIND_TEXT[kind]}); Labdeck never overwrites it`);
  const parent = parsePathKind(parentId, readOutput(ctx.reads, parentId));
  if (parent !== "dir") throw badInput(field, `the directory ${path.posix.dirname(file)} does not exist`);
}

/** Disk sizes are whole 512-byte sectors; qemu would round silently, the form asks again instead. */
function diskSize(text: string, field: string): number {
  return wholeSectors(positiveSize(text, field), field);
}

function wholeSectors(bytes: number, field: string): number {
  if (bytes % SECTOR !== 0) throw badInput(field, `${bytes} bytes is not a whole number of 512-byte sectors`);
  return bytes;
}

export function planImageCreate(op: Op<"image.create">, ctx: StoragePlanContext): StoragePlan {
  assertUnderRoots("op.path", op.path, ctx.roots);
  const bytes = diskSize(op.size, "op.size");
  newPath(ctx, "op.path", op.path, "path", "parent");
  return {
    title: `Create ${op.format} image ${op.path}`,
    steps: [
      {
        argv: ["qemu-img", "create", "-q", "-f", op.format, op.path, String(bytes)],
        purpose: `create a ${formatBytes(bytes)} ${op.format} image at ${op.path}`,
        undo: ["rm", "-f", op.path],
      },
    ],
    summary: `A new, empty ${op.format} disk image of ${formatBytes(bytes)} at ${op.path}.`,
    warnings: [],
  };
}

/** An image read with its format forced (reads.ts) whose chain stays under the roots. */
function existingImage(ctx: StoragePlanContext, file: string, field: string) {
  const info = parseQemuInfo("info", readOutput(ctx.reads, "info"), file);
  if (info === "absent") throw badInput(field, `${file} does not exist`);
  if (info.format !== "qcow2" && info.format !== "raw")
    throw badInput(field, `${file} is a ${info.format} image; Labdeck handles qcow2 and raw`);
  // A data file or a backing file outside the roots would be copied or grown along with it.
  checkImageWithinRoots(info.info, ctx.roots, field);
  return info;
}

export function planImageResize(op: Op<"image.resize">, ctx: StoragePlanContext): StoragePlan {
  assertUnderRoots("op.path", op.path, ctx.roots);
  const info = existingImage(ctx, op.path, "op.path");
  const bytes = wholeSectors(resolveSize(op.size, info.virtualSizeBytes, "op.size", "grow"), "op.size");
  if (bytes <= info.virtualSizeBytes) {
    throw badInput(
      "op.size",
      `${formatBytes(bytes)} is not more than the current ${formatBytes(info.virtualSizeBytes)}: images only grow (shrinking cuts off what the guest wrote at the end)`,
    );
  }
  const guests = guestsUsing(ctx.usedBy, [op.path]);
  return {
    title: `Grow image ${op.path} to ${formatBytes(bytes)}`,
    steps: [
      {
        // -f: the format read above, never probed again (a raw image's content must not decide how it is opened).
        argv: ["qemu-img", "resize", "-q", "-f", info.format, op.path, String(bytes)],
        purpose: `grow ${op.path} from ${formatBytes(info.virtualSizeBytes)} to ${formatBytes(bytes)} (no undo)`,
      },
    ],
    summary: `${op.path} grows from ${formatBytes(info.virtualSizeBytes)} to ${formatBytes(bytes)}; the partitions and filesystems inside stay as they are.`,
    warnings:
      guests.length > 0
        ? [
            `Used by ${guests.join(", ")}: the guest sees the new size when it next starts (a running guest holds a lock and the resize fails).`,
          ]
        : [],
  };
}

export function planImageConvert(op: Op<"image.convert">, ctx: StoragePlanContext): StoragePlan {
  assertUnderRoots("op.path", op.path, ctx.roots);
  assertUnderRoots("op.target", op.target, ctx.roots);
  if (op.target === op.path) throw badInput("op.target", "the copy needs a path of its own");
  const info = existingImage(ctx, op.path, "op.path");
  newPath(ctx, "op.target", op.target, "target", "target-parent");
  const guests = guestsUsing(ctx.usedBy, [op.path]);
  return {
    title: `Convert ${op.path} to ${op.format}`,
    steps: [
      {
        // -f as read: a raw image holding a qcow2 header written by its guest must not be
        // opened as qcow2 (it could name any host file as its backing file).
        argv: ["qemu-img", "convert", "-f", info.format, "-O", op.format, op.path, op.target],
        purpose: `copy ${op.path} (${info.format}) into a new ${op.format} image ${op.target}`,
        undo: ["rm", "-f", op.target],
        timeoutMs: 60 * 60_000,
      },
    ],
    summary: `A ${op.format} copy of ${op.path} (${formatBytes(info.virtualSizeBytes)}) at ${op.target}; the original stays.`,
    warnings:
      guests.length > 0
        ? [
            `Used by ${guests.join(", ")}: stop the guest first, or the copy is of a disk in mid-write (a running guest's lock makes it fail).`,
          ]
        : [],
  };
}

export function planRootfileCreate(op: Op<"rootfile.create">, ctx: StoragePlanContext): StoragePlan {
  assertUnderRoots("op.path", op.path, ctx.roots);
  const bytes = positiveSize(op.size, "op.size");
  if (bytes < ROOTFILE_MIN_BYTES)
    throw badInput("op.size", `${formatBytes(bytes)} is too small for a filesystem or swap; give at least 1M`);
  newPath(ctx, "op.path", op.path, "path", "parent");
  const steps: TPlanStep[] = [
    // Sparse: blocks are taken as the guest writes them, as with a raw image.
    {
      argv: ["truncate", "-s", String(bytes), op.path],
      purpose: `create the ${formatBytes(bytes)} file ${op.path}`,
      undo: ["rm", "-f", op.path],
    },
  ];
  // Swap holds guest memory: not readable by other users of the host (mkswap warns otherwise).
  if (op.filesystem === "swap") steps.push({ argv: ["chmod", "600", op.path], purpose: `make ${op.path} readable by root only` });
  steps.push(mkfsStep(op.filesystem, op.path));
  return {
    title: `Create ${op.filesystem === "swap" ? "swap" : "root"} file ${op.path}`,
    steps,
    summary: `${op.path}: ${formatBytes(bytes)}, ${op.filesystem === "swap" ? "swap space" : "an empty ext4 filesystem"}, ready to give to a guest.`,
    warnings: [],
  };
}
