// The start plan's boot mark: a step right before QEMU launches (after the log rotation) that
// creates the serial log if absent (mode 0600) and prints its inode and size, plus those of
// the rotated `<log>.1`. The guest is stopped between this step and QEMU, so the size is the
// exact byte offset where the new boot's output begins; the start job records it and the
// console marks the boot there, out of band (never as bytes in the log a guest could forge).
// What must not break: the path is the script's positional argument, never part of its text,
// and the parser accepts only the fixed shape the script prints.
import { assertAbsPath } from "../../names";
import type { TPlanStep } from "../../jobs/plan";

const SCRIPT = [
  "umask 077",
  '[ -e "$1" ] || : > "$1" || exit 1',
  'st=$(stat -c "%i %s" -- "$1") || exit 1',
  'prev=$(stat -c "%i %s" -- "$1.1" 2>/dev/null) || prev="- -"',
  'printf "%s %s\\n" "$st" "$prev"',
].join("\n");

export function serialLogBootArgv(path: string): string[] {
  return ["sh", "-c", SCRIPT, "sh", assertAbsPath("files.serialLog", path)];
}

/** True for the argv serialLogBootArgv builds (the start job picks the step's output by it). */
export function isSerialLogBootArgv(argv: readonly string[]): boolean {
  return argv.length === 5 && argv[0] === "sh" && argv[1] === "-c" && argv[2] === SCRIPT;
}

export function serialLogBootStep(serialLog: string, guestName: string): TPlanStep {
  return {
    argv: serialLogBootArgv(serialLog),
    purpose: `Create the serial log of ${guestName} if absent and note where this boot's output begins`,
  };
}

export interface SerialLogBootPoint {
  inode: string;
  /** Byte offset of the new boot's first byte. */
  offset: number;
  /** The rotated log beside it, if any (a console still following it drains it first). */
  rotated: { inode: string; size: number } | null;
}

const OUTPUT = /^(\d{1,20}) (\d{1,16}) (?:(\d{1,20}) (\d{1,16})|- -)$/;

export function parseSerialLogBoot(stdout: string): SerialLogBootPoint | null {
  const m = OUTPUT.exec(stdout.trim());
  if (m === null) return null;
  const offset = Number(m[2]);
  if (!Number.isSafeInteger(offset)) return null;
  const rotated = m[3] !== undefined && m[4] !== undefined ? { inode: m[3], size: Number(m[4]) } : null;
  if (rotated !== null && !Number.isSafeInteger(rotated.size)) return null;
  return { inode: m[1] as string, offset, rotated };
}
