import { z } from "zod";
import { LabdeckError } from "../errors";

// `df -l -B1 --output=used,avail,size,target` -> space per mount point. The target comes
// last so a mount point with spaces stays whole; lines are length-checked before the
// pattern sees them, since the mount table is the host's to fill.

export const ZFsUsage = z.object({
  target: z.string(),
  usedBytes: z.number().int().nonnegative(),
  availBytes: z.number().int().nonnegative(),
  sizeBytes: z.number().int().nonnegative(),
});
export type TFsUsage = z.infer<typeof ZFsUsage>;

const MAX_LINE = 4200;
const LINE = /^ *(\d{1,20}) +(\d{1,20}) +(\d{1,20}) (\/.*)$/;

export function parseDf(stdout: string): TFsUsage[] {
  const [header = "", ...lines] = stdout.split("\n");
  if (!/^ *Used +Avail +1B-blocks +Mounted on *$/.test(header.slice(0, 200))) {
    throw new LabdeckError("INTERNAL", "df: unexpected header (was --output lost?)", { details: { excerpt: header.slice(0, 200) } });
  }
  const out: TFsUsage[] = [];
  for (const line of lines) {
    if (line === "" || line.length > MAX_LINE) continue;
    const m = LINE.exec(line);
    if (m === null) continue;
    const [, used = "", avail = "", size = "", target = ""] = m;
    out.push(ZFsUsage.parse({ target: target.trimStart(), usedBytes: Number(used), availBytes: Number(avail), sizeBytes: Number(size) }));
  }
  return out;
}
