// Loads a page of a guest's serial log or searches it over SSH, for the console page's
// history view. Reading makes no plan; the executor passed in is the service's audited one.
import type { SshExecutor, SshTarget } from "../ssh/types";
import { LabdeckError } from "../errors";
import { parseRotatedLogStat, rotatedLogStatArgv, type RotatedLog } from "../hypervisors/console-log/serial-log-rotation";
import {
  parseSerialLogSearch,
  parseSerialLogSize,
  serialLogPageWindow,
  serialLogReadArgv,
  serialLogSearchArgv,
  serialLogSizeArgv,
  type SerialLogHit,
} from "./serial-log";

export interface SerialLogPage {
  /** Log size when read; the next page back is the one `before: offset`. */
  size: number;
  offset: number;
  text: string;
  /** What rotation moved out of this log at an earlier start (null: never rotated). */
  rotated: RotatedLog | null;
}

export async function readSerialLogPage(opts: {
  ssh: SshExecutor;
  target: SshTarget;
  path: string;
  before?: number;
  pageBytes?: number;
}): Promise<SerialLogPage> {
  const size = parseSerialLogSize(await opts.ssh.exec(opts.target, serialLogSizeArgv(opts.path), { timeoutMs: 15_000 }));
  // Only with the newest page: walking back does not need it again.
  const rotated =
    opts.before === undefined
      ? parseRotatedLogStat(await opts.ssh.exec(opts.target, rotatedLogStatArgv(opts.path), { timeoutMs: 15_000 }))
      : null;
  const w = serialLogPageWindow(size, { before: opts.before, pageBytes: opts.pageBytes });
  if (w.length === 0) return { size, offset: w.offset, text: "", rotated };
  const r = await opts.ssh.exec(opts.target, serialLogReadArgv(opts.path, w), { timeoutMs: 15_000 });
  if (r.exitStatus !== 0) throw new LabdeckError("INTERNAL", `reading the serial log failed: ${r.stderr.trim()}`);
  return { size, offset: w.offset, text: r.stdout, rotated };
}

export async function searchSerialLog(opts: {
  ssh: SshExecutor;
  target: SshTarget;
  path: string;
  term: string;
  limit?: number;
}): Promise<SerialLogHit[]> {
  return parseSerialLogSearch(
    await opts.ssh.exec(opts.target, serialLogSearchArgv(opts.path, opts.term, opts.limit), { timeoutMs: 15_000 }),
  );
}
