// Rotation of a guest's serial log (QEMU's chardev logfile). Pure argv builders and a
// parser; the start plan runs the rotation, the console's history page reads what it kept.
import { badInput, LabdeckError } from "../../errors";
import { assertAbsPath } from "../../names";

// Rotation. A guest's serial log grows for as long as the guest prints, so it is rotated
// when the guest starts: over SERIAL_LOG_ROTATE_BYTES, the log becomes `<log>.1` (replacing
// the one before) and QEMU starts a new one. Only at start, because QEMU opens the logfile
// once and writes to that open file until it exits: renaming it under a running QEMU sends
// all further output to the renamed file, and copying then truncating loses whatever QEMU
// writes in between and moves every byte offset the history page is paging by. Before the
// start step nothing holds the file, and mv is atomic. Disk use per guest is thus bounded by
// the previous log plus what the current run prints.
export const SERIAL_LOG_ROTATE_BYTES = 16 * 1024 * 1024;

/** The previous log kept by rotation. */
export function rotatedLogPath(path: string): string {
  return `${assertAbsPath("files.serialLog", path)}.1`;
}

/**
 * A fixed script; the log path and the limit are its positional arguments, never part of
 * its text. A missing log (first start) or a small one is left alone.
 */
export function serialLogRotateArgv(path: string, maxBytes = SERIAL_LOG_ROTATE_BYTES): string[] {
  assertAbsPath("files.serialLog", path);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw badInput("maxBytes", "must be a byte count");
  return [
    "sh",
    "-c",
    '[ -f "$1" ] || exit 0; size=$(stat -c %s -- "$1") || exit 1; [ "$size" -gt "$2" ] || exit 0; mv -f -- "$1" "$1.1"',
    "sh",
    path,
    String(maxBytes),
  ];
}

/** Size, and the time it was rotated (ctime: the rename), of the previous log. */
export function rotatedLogStatArgv(path: string): string[] {
  return ["stat", "-c", "%s %Z", "--", rotatedLogPath(path)];
}

export interface RotatedLog {
  bytes: number;
  /** Unix milliseconds of the rotation. */
  rotatedAt: number;
}

/** null when no log was ever rotated (stat: no such file). */
export function parseRotatedLogStat(result: { exitStatus: number | null; stdout: string; stderr: string }): RotatedLog | null {
  if (result.exitStatus !== 0) {
    if (/No such file/i.test(result.stderr)) return null;
    throw new LabdeckError("INTERNAL", `stat of the rotated serial log failed: ${result.stderr.trim().slice(0, 200)}`);
  }
  const m = /^(\d{1,15}) (\d{1,12})$/.exec(result.stdout.trim());
  if (m === null) throw new LabdeckError("INTERNAL", `unexpected output from stat: ${JSON.stringify(result.stdout.slice(0, 80))}`);
  return { bytes: Number(m[1]), rotatedAt: Number(m[2]) * 1000 };
}
