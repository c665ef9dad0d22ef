import { z } from "zod";
import { LabdeckError } from "../errors";
import { parseJsonOutput } from "../json-output";

// `findmnt -J -l -b -o TARGET,SOURCE,FSTYPE,OPTIONS` -> typed mounts. A bind mount's
// source reads "/dev/mapper/vg-lv[/sub/dir]": the device is split from the subdirectory,
// so an LV with only a bind mount of it still counts as mounted (unmounting "the" mount
// point would leave it busy).

export const ZMount = z.object({
  target: z.string(),
  source: z.string(),
  /** The source without a bind mount's [subpath]; a device path when the source is one. */
  device: z.string(),
  /** The directory inside the filesystem that is mounted ("/" for a whole filesystem); null when not a bind mount. */
  subpath: z.string().nullable(),
  fstype: z.string(),
  options: z.array(z.string()),
  readOnly: z.boolean(),
});
export type TMount = z.infer<typeof ZMount>;

const ZRawMount = z.object({
  target: z.string(),
  source: z.string(),
  fstype: z.string(),
  options: z.string().default(""),
});

/**
 * "/dev/vda1[/srv/data]" -> device and subpath, split at the last "[/" as a greedy
 * `^(\/.*)\[(\/.*)\]$` would, but by index: that pattern is quadratic on "/[/[/[…".
 */
function splitBindSource(source: string): [string, string, string] | null {
  if (!source.startsWith("/") || !source.endsWith("]") || source.includes("\n")) return null;
  const at = source.lastIndexOf("[/", source.length - 2);
  if (at < 1) return null;
  return [source, source.slice(0, at), source.slice(at + 1, -1)];
}

export function parseFindmnt(stdout: string): TMount[] {
  const parsed = z.object({ filesystems: z.array(ZRawMount) }).safeParse(parseJsonOutput("findmnt", stdout));
  if (!parsed.success) {
    throw new LabdeckError("INTERNAL", "findmnt: unexpected output (was -l lost?)", { details: { excerpt: stdout.slice(0, 200) } });
  }
  return parsed.data.filesystems.map((m) => {
    const bind = splitBindSource(m.source);
    const options = m.options === "" ? [] : m.options.split(",");
    return ZMount.parse({
      target: m.target,
      source: m.source,
      device: bind?.[1] ?? m.source,
      subpath: bind?.[2] ?? null,
      fstype: m.fstype,
      options,
      readOnly: options.includes("ro"),
    });
  });
}
