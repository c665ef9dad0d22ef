import { z } from "zod";
import { LabdeckError } from "../../errors";
import { parseImageInfo } from "../../storage/images/image-info";
import { mapLimit, READ_PARALLELISM } from "../../concurrency";
import { infoByMagicScript } from "../../storage/images/image-sniff";
import { assertAbsPath } from "../../names";
import type { ExecResult } from "../../ssh/types";
import type { HostReader } from "../../ssh/host-reader";
import { succeeded } from "./storage-read";

// The disk image files under a host's roots: `find` per root (two levels: the root and
// one folder per guest, where the wizard puts them), then `qemu-img info` per file. Only
// roots are searched, never the whole disk: a root is where Labdeck may act, so it is
// also all it lists. A file qemu-img cannot read is listed with its error rather than
// hidden, so a broken image shows up before someone boots a guest from it.

export const ZImageFile = z.object({
  path: z.string(),
  format: z.string(),
  virtualSize: z.number(),
  actualSize: z.number().nullable(),
  backingFile: z.string().nullable(),
});
export type TImageFile = z.infer<typeof ZImageFile>;

export interface ImageListing {
  images: TImageFile[];
  /** Files that were found but could not be read, and roots that could not be searched. */
  errors: { path: string; message: string }[];
}

/** Beyond this many files the page would be unreadable anyway; the rest are reported, not read. */
export const MAX_IMAGES = 300;
const EXTENSIONS = ["*.qcow2", "*.img", "*.raw"] as const;

/**
 * -H follows the root itself when it is a symlink (/srv/images -> /data/images), but no
 * link below it; -print0 because a file name may hold a newline.
 */
export function imageFindArgv(root: string): string[] {
  const names = EXTENSIONS.flatMap((pattern, i) => [...(i > 0 ? ["-o"] : []), "-name", pattern]);
  return ["find", "-H", assertAbsPath("root", root), "-maxdepth", "2", "-type", "f", "(", ...names, ")", "-print0"];
}

/** Paths from `find -print0`, only those under the root searched (find prints nothing else), sorted. */
export function parseFindOutput(stdout: string, root: string): string[] {
  const prefix = root.endsWith("/") ? root : `${root}/`;
  return stdout
    .split("\0")
    .filter((p) => p.startsWith(prefix))
    .sort();
}

/**
 * Plain info (no backing chain): a missing base file must not hide the overlay from the
 * list. The format is forced from the file's magic, never probed by qemu-img (a guest's
 * raw disk may hold a VMDK descriptor naming any host file as its extent).
 */
export function imageListInfoArgv(path: string): string[] {
  if (!path.startsWith("/")) throw new LabdeckError("INTERNAL", `image path ${JSON.stringify(path)} is not absolute`);
  return ["sh", "-c", infoByMagicScript({ backingChain: false }), "sh", path];
}

const rootMissing = (r: ExecResult): boolean =>
  !succeeded(r) && r.outcome === "exited" && /No such file or directory/.test(r.stderr) && r.stdout === "";

const firstLine = (text: string): string => text.trim().split("\n")[0] ?? "";

export async function listImageFiles(exec: HostReader, roots: readonly string[]): Promise<ImageListing> {
  const errors: ImageListing["errors"] = [];
  const found = await Promise.all(
    roots.map(async (root) => {
      const r = await exec({ argv: imageFindArgv(root), purpose: `list image files under ${root}`, optional: rootMissing });
      // A root that does not exist yet (nothing was ever created there) holds no images.
      if (rootMissing(r)) return [];
      // Otherwise keep what find printed: an unreadable subfolder must not hide the rest.
      if (!succeeded(r)) errors.push({ path: root, message: firstLine(r.stderr) || r.outcome });
      return parseFindOutput(r.stdout, root);
    }),
  );
  const paths = [...new Set(found.flat())].sort();
  for (const p of paths.slice(MAX_IMAGES))
    errors.push({ path: p, message: `not read: more than ${MAX_IMAGES} image files under the roots` });
  const infos = await mapLimit(paths.slice(0, MAX_IMAGES), READ_PARALLELISM, async (path) => {
    const r = await exec({ argv: imageListInfoArgv(path), purpose: `read image ${path}` });
    if (!succeeded(r)) {
      errors.push({ path, message: firstLine(r.stderr) || r.outcome });
      return null;
    }
    try {
      const info = parseImageInfo(r.stdout, path);
      return { path, format: info.format, virtualSize: info.virtualSize, actualSize: info.actualSize, backingFile: info.backingFile };
    } catch (e) {
      errors.push({ path, message: e instanceof Error ? e.message : String(e) });
      return null;
    }
  });
  return { images: infos.filter((i): i is TImageFile => i !== null), errors: errors.sort((a, b) => a.path.localeCompare(b.path)) };
}
