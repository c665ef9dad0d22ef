// Reads `qemu-img info -f FORMAT --output=json --backing-chain` so a disk is never used
// before its backing chain and data file are known. What must not break: the format is
// always forced (-f), never probed: a guest writes its own disk, so a probe would let it
// choose how the host opens the file (a VMDK descriptor naming /etc/shadow as an extent,
// a qcow2 header naming any host file as its data file). The output is treated as
// hostile too (it describes files the guest wrote): bounded, zod-parsed, and every file
// it names is resolved to a normalised absolute path before it is compared with the roots.
import path from "node:path";
import { z } from "zod";
import { badInput, LabdeckError } from "../../errors";
import { assertAbsPath, isUnderRoots } from "../../names";
import { GUEST_IMAGE_FORMATS, type GuestImageFormat } from "../../../lib/image-formats";

/** Far above a real chain's JSON (about 1 KiB a layer); beyond it the answer is not read. */
export const MAX_INFO_BYTES = 256 * 1024;
export const MAX_CHAIN = 16;

const ZImgInfo = z.object({
  filename: z.string().max(4096),
  format: z.string().max(32),
  "virtual-size": z.number().int().nonnegative(),
  "actual-size": z.number().optional(),
  "backing-filename": z.string().max(4096).optional(),
  "full-backing-filename": z.string().max(4096).optional(),
  "backing-filename-format": z.string().max(32).optional(),
  "format-specific": z
    .object({
      type: z.string().max(32),
      data: z
        .object({ "data-file": z.string().max(4096).optional() })
        .passthrough()
        .optional(),
    })
    .passthrough()
    .optional(),
});

export interface ImageLayer {
  path: string;
  format: string;
  virtualSize: number;
  actualSize: number | null;
  /** Absolute and normalised, or a non-file backing (e.g. "nbd://…", "json:{…}") as given. */
  backingFile: string | null;
  backingFormat: string | null;
  /** A qcow2's external data file (where its guest data really is), resolved like backingFile. */
  dataFile: string | null;
}

export interface ImageInfo extends ImageLayer {
  /** The image itself first, then each backing file down to the base. */
  chain: ImageLayer[];
}

const isGuestFormat = (f: string): f is GuestImageFormat => (GUEST_IMAGE_FORMATS as readonly string[]).includes(f);

/**
 * -U: read an image a running QEMU holds locked; -f: the stored format, never a probe;
 * "--" ends options before the path.
 */
export function imageInfoArgv(imagePath: string, format: GuestImageFormat): string[] {
  if (!isGuestFormat(format)) throw badInput("format", `"${String(format)}" is not raw or qcow2`);
  return ["qemu-img", "info", "-U", "-f", format, "--output=json", "--backing-chain", "--", assertAbsPath("path", imagePath)];
}

function resolveFrom(file: string, relativeTo: string): string {
  return path.posix.isAbsolute(file) ? path.posix.normalize(file) : path.posix.resolve(path.posix.dirname(relativeTo), file);
}

const isPlainPath = (p: string) => !/^[a-z][a-z0-9+.-]*:/i.test(p);
const resolved = (p: string | undefined, from: string): string | null =>
  p === undefined ? null : isPlainPath(p) ? resolveFrom(p, from) : p;

/** Parses one object (plain info) or an array (--backing-chain) for the image at `imagePath`. */
export function parseImageInfo(json: string, imagePath: string): ImageInfo {
  if (json.length > MAX_INFO_BYTES) throw new LabdeckError("INTERNAL", `qemu-img info printed more than ${MAX_INFO_BYTES} bytes; not read`);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new LabdeckError("INTERNAL", "qemu-img info printed something that is not JSON");
  }
  const parsed = z.array(ZImgInfo).min(1).max(MAX_CHAIN).or(ZImgInfo).safeParse(raw);
  if (!parsed.success)
    throw new LabdeckError("INTERNAL", `qemu-img info output has an unexpected shape (or a chain longer than ${MAX_CHAIN})`);
  const entries = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  let current = path.posix.normalize(imagePath);
  const chain: ImageLayer[] = entries.map((e) => {
    const file = isPlainPath(e.filename) && path.posix.isAbsolute(e.filename) ? path.posix.normalize(e.filename) : current;
    const backing = resolved(e["full-backing-filename"] ?? e["backing-filename"], file);
    const layer: ImageLayer = {
      path: file,
      format: e.format,
      virtualSize: e["virtual-size"],
      actualSize: e["actual-size"] ?? null,
      backingFile: backing,
      backingFormat: e["backing-filename-format"] ?? null,
      dataFile: resolved(e["format-specific"]?.data?.["data-file"], file),
    };
    if (backing !== null) current = backing;
    return layer;
  });
  const top = chain[0] as ImageLayer;
  return { ...top, chain };
}

/**
 * Refuses an image QEMU could use to reach past the host's roots: a data file (anywhere:
 * its guest data lives in a second file that nothing else on the page shows), a backing
 * chain leaving the roots or using a non-file backing, a layer in a format other than raw
 * or qcow2, or a backing file without a recorded format (QEMU would probe it, and the
 * probe reads what a guest may have written).
 */
export function checkImageWithinRoots(info: ImageInfo, roots: readonly string[], field: string): void {
  info.chain.forEach((layer, depth) => {
    const what = depth === 0 ? "image" : `backing file ${layer.path}`;
    if (!isGuestFormat(layer.format)) throw badInput(field, `${what} is a ${layer.format} image; only raw and qcow2 are allowed`);
    if (!isPlainPath(layer.path) || !isUnderRoots(layer.path, roots))
      throw badInput(field, `${what} "${layer.path}" is outside the host's roots (${roots.join(", ")})`);
    if (layer.dataFile !== null)
      throw badInput(field, `${what} keeps its data in the external data file "${layer.dataFile}"; Labdeck refuses qcow2 data files`);
    if (layer.backingFile === null) return;
    if (!isPlainPath(layer.backingFile)) throw badInput(field, `backing file "${layer.backingFile}" is not a file on the host`);
    if (!isUnderRoots(layer.backingFile, roots))
      throw badInput(field, `backing file "${layer.backingFile}" is outside the host's roots (${roots.join(", ")})`);
    if (layer.backingFormat === null || !isGuestFormat(layer.backingFormat)) {
      throw badInput(
        field,
        `backing file "${layer.backingFile}" has ${layer.backingFormat === null ? "no recorded format (QEMU would guess it)" : `the format ${layer.backingFormat}`}; only raw and qcow2 are allowed`,
      );
    }
  });
  const last = info.chain[info.chain.length - 1] as ImageLayer;
  // qemu-img stops listing at a backing file it cannot open: the chain shown is not all of it.
  if (last.backingFile !== null) throw badInput(field, `backing file "${last.backingFile}" could not be read`);
}
