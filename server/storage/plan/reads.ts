import { LabdeckError } from "../../errors";
import type { StorageOpRead } from "./types";
import { parseImageInfo, type ImageInfo } from "../images/image-info";
import { infoByMagicScript } from "../images/image-sniff";

// The read-only questions planners ask a host, and the parsing of their answers. Each is
// a CONSTANT sh script with the path as a positional argument (never spliced into the
// script), written so that "no such file" is an answer on stdout with exit 0: a failing
// read then always means the host could not be asked, never "the file is not there".

const PATH_KIND =
  'if [ -L "$1" ]; then echo link; elif [ -d "$1" ]; then echo dir; elif [ -f "$1" ]; then echo file; elif [ -e "$1" ]; then echo other; else echo absent; fi';
// readlink -e fails on a missing path; an empty answer says so instead.
const RESOLVE = 'readlink -e -- "$1" || true';
// -U (force share): reading the header of an image a running guest holds locked is safe,
// and without it qemu-img refuses with a lock error. -f from the file's magic, never
// qemu's probe (which would follow a VMDK descriptor a guest wrote into its raw disk);
// the whole chain, so a planner can refuse one that leaves the roots.
const QEMU_INFO = `if [ -e "$1" ]; then ${infoByMagicScript({ backingChain: true })}; else echo absent; fi`;

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

export interface QemuImageInfo {
  format: string;
  virtualSizeBytes: number;
  /** The backing file as qemu-img resolved it (absolute), or null. */
  backingFile: string | null;
  /** The whole chain, for checkImageWithinRoots. */
  info: ImageInfo;
}

export function parseQemuInfo(id: string, stdout: string, path = "/"): QemuImageInfo | "absent" {
  if (stdout.trim() === "absent") return "absent";
  let info: ImageInfo;
  try {
    info = parseImageInfo(stdout, path);
  } catch (e) {
    throw new LabdeckError("INTERNAL", `storage read ${id}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { format: info.format, virtualSizeBytes: info.virtualSize, backingFile: info.backingFile, info };
}
