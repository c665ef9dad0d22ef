import { z } from "zod";
import { LabdeckError } from "../../errors";
import { parseJsonOutput } from "../../json-output";
import type { StorageOpRead } from "./types";

// The read-only questions planners ask a host, and the parsing of their answers. Each is
// a CONSTANT sh script with the path as a positional argument (never spliced into the
// script), written so that "no such file" is an answer on stdout with exit 0: a failing
// read then always means the host could not be asked, never "the file is not there".

const PATH_KIND = 'if [ -L "$1" ]; then echo link; elif [ -d "$1" ]; then echo dir; elif [ -f "$1" ]; then echo file; elif [ -e "$1" ]; then echo other; else echo absent; fi';
// readlink -e fails on a missing path; an empty answer says so instead.
const RESOLVE = 'readlink -e -- "$1" || true';
// -U (force share): reading the header of an image a running guest holds locked is safe,
// and without it qemu-img refuses with a lock error.
const QEMU_INFO = 'if [ -e "$1" ]; then exec qemu-img info -U --output=json "$1"; else echo absent; fi';

export type PathKind = "absent" | "dir" | "file" | "link" | "other";

export function pathKindRead(id: string, path: string, purpose: string): StorageOpRead {
  return { id, argv: ["sh", "-c", PATH_KIND, "sh", path], purpose };
}

export function resolveDeviceRead(id: string, device: string): StorageOpRead {
  return { id, argv: ["sh", "-c", RESOLVE, "sh", device], purpose: `resolve ${device} to its kernel device` };
}

export function qemuInfoRead(id: string, path: string): StorageOpRead {
  return { id, argv: ["sh", "-c", QEMU_INFO, "sh", path], purpose: `read the format and virtual size of ${path}` };
}

/** The stdout of a read the planner asked for; missing means the caller skipped storageOpReads. */
export function readOutput(reads: Record<string, string>, id: string): string {
  const out = reads[id];
  if (out === undefined) throw new LabdeckError("INTERNAL", `storage plan: the read "${id}" was not run (call storageOpReads first)`);
  return out;
}

export function parsePathKind(id: string, stdout: string): PathKind {
  const kind = stdout.trim();
  if (kind === "absent" || kind === "dir" || kind === "file" || kind === "link" || kind === "other") return kind;
  throw new LabdeckError("INTERNAL", `storage read ${id}: unexpected answer "${kind.slice(0, 80)}"`);
}

const ZQemuInfo = z.object({
  format: z.string(),
  "virtual-size": z.number().int().nonnegative(),
  "full-backing-filename": z.string().optional(),
  "backing-filename": z.string().optional(),
});

export interface QemuImageInfo {
  format: string;
  virtualSizeBytes: number;
  /** The backing file as qemu-img resolved it (absolute), or null. */
  backingFile: string | null;
}

export function parseQemuInfo(id: string, stdout: string): QemuImageInfo | "absent" {
  if (stdout.trim() === "absent") return "absent";
  const parsed = ZQemuInfo.safeParse(parseJsonOutput("qemu-img info", stdout, { emptyAs: null }));
  if (!parsed.success) throw new LabdeckError("INTERNAL", `storage read ${id}: qemu-img info gave no format or virtual size`);
  const info = parsed.data;
  return {
    format: info.format,
    virtualSizeBytes: info["virtual-size"],
    backingFile: info["full-backing-filename"] ?? info["backing-filename"] ?? null,
  };
}
