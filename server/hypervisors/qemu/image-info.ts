// Reads `qemu-img info --output=json --backing-chain` so a disk is never used before its
// format and backing chain are known. What must not break: every file in the chain is
// resolved to a normalised absolute path (qemu-img reports "dir/../base.qcow2" and paths
// relative to the overlay) before it is compared with the host's roots.
import path from "node:path";
import { z } from "zod";
import { badInput, LabdeckError } from "../../errors";
import { assertAbsPath, isUnderRoots } from "../../names";

const ZImgInfo = z.object({
  filename: z.string(),
  format: z.string(),
  "virtual-size": z.number(),
  "actual-size": z.number().optional(),
  "backing-filename": z.string().optional(),
  "full-backing-filename": z.string().optional(),
  "backing-filename-format": z.string().optional(),
});

export interface ImageLayer {
  path: string;
  format: string;
  virtualSize: number;
  actualSize: number | null;
  /** Absolute and normalised, or a non-file backing (e.g. "nbd://…", "json:{…}") as given. */
  backingFile: string | null;
  backingFormat: string | null;
}

export interface ImageInfo extends ImageLayer {
  /** The image itself first, then each backing file down to the base. */
  chain: ImageLayer[];
}

/** -U: read an image a running QEMU holds locked; "--" ends options before the path. */
export function imageInfoArgv(imagePath: string): string[] {
  return ["qemu-img", "info", "-U", "--output=json", "--backing-chain", "--", assertAbsPath("path", imagePath)];
}

function resolveFrom(file: string, relativeTo: string): string {
  return path.posix.isAbsolute(file) ? path.posix.normalize(file) : path.posix.resolve(path.posix.dirname(relativeTo), file);
}

const isPlainPath = (p: string) => !/^[a-z][a-z0-9+.-]*:/i.test(p);

/** Parses one object (plain info) or an array (--backing-chain) for the image at `imagePath`. */
export function parseImageInfo(json: string, imagePath: string): ImageInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new LabdeckError("INTERNAL", "qemu-img info printed something that is not JSON");
  }
  const parsed = z.array(ZImgInfo).or(ZImgInfo).safeParse(raw);
  if (!parsed.success) throw new LabdeckError("INTERNAL", "qemu-img info output has an unexpected shape");
  const entries = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  let current = path.posix.normalize(imagePath);
  const chain: ImageLayer[] = entries.map((e) => {
    const file = isPlainPath(e.filename) && path.posix.isAbsolute(e.filename) ? path.posix.normalize(e.filename) : current;
    const backingRaw = e["full-backing-filename"] ?? e["backing-filename"];
    const backing = backingRaw === undefined ? null : isPlainPath(backingRaw) ? resolveFrom(backingRaw, file) : backingRaw;
    const layer: ImageLayer = {
      path: file,
      format: e.format,
      virtualSize: e["virtual-size"],
      actualSize: e["actual-size"] ?? null,
      backingFile: backing,
      backingFormat: e["backing-filename-format"] ?? null,
    };
    if (backing !== null) current = backing;
    return layer;
  });
  const top = chain[0] as ImageLayer;
  return { ...top, chain };
}

/** Refuses an image whose chain leaves the host's roots or uses a non-file backing. */
export function checkImageWithinRoots(info: ImageInfo, roots: readonly string[], field: string): void {
  for (const layer of info.chain) {
    const files = layer.backingFile === null ? [layer.path] : [layer.path, layer.backingFile];
    for (const f of files) {
      if (!isPlainPath(f)) throw badInput(field, `backing file "${f}" is not a file on the host`);
      if (!isUnderRoots(f, roots)) throw badInput(field, `${f === info.path ? "image" : "backing file"} "${f}" is outside the host's roots (${roots.join(", ")})`);
    }
  }
}
