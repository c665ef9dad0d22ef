// Labdeck's own capture of a domU's console, since Debian's xenconsoled logs no guest
// console by default (and restarting it to turn logging on can cut the dom0's SSH). A
// detached script(1) holds `xl console NAME` on a terminal, appends everything the guest
// prints to the guest's console log (the history the console page follows, as it follows
// a QEMU serial log) and reads keystrokes from a FIFO beside it. While the domain exists
// the loop reattaches (a reboot gives the domain a new id and ends `xl console`); when it
// is gone the capture ends by itself.
// What must not break: the scripts are fixed text; the toolstack verb, the name and the
// paths are positional arguments. The name reaches the one string script(1) runs only
// after the guest-name check (lowercase letters, digits and dashes: nothing a shell reads).
// The FIFO is opened read-write, so no writer leaving ever gives the capture an end of file.
import { GUEST_NAME } from "../../../lib/names";
import { assertAbsPath, assertMatches } from "../../names";
import type { TPlanStep } from "../../jobs/plan";
import type { XenGuestFiles } from "./files";
import type { XenToolstack } from "./toolstack";

// $1 toolstack, $2 name, $3 log, $4 fifo, $5 pidfile.
const START = [
  "umask 077",
  '[ -p "$4" ] || { rm -f -- "$4" && mkfifo -m 600 -- "$4"; } || exit 1',
  // One capture per guest: one left from an earlier boot would steal half the keystrokes.
  '[ -f "$5" ] && pkill -TERM -P "$(cat -- "$5")" 2>/dev/null; [ -f "$5" ] && pkill -TERM -F "$5" 2>/dev/null',
  'loop="while $1 list $2 >/dev/null 2>&1; do $1 console $2; sleep 1; done"',
  'setsid sh -c \'echo $$ > "$4" && exec script -q -f -E never -a -O "$2" -c "$1" <> "$3" >/dev/null 2>&1\' sh "$loop" "$3" "$4" "$5" </dev/null >/dev/null 2>&1 &',
].join("\n");

// $1 pidfile: the commands under script first (they hold the console), then script itself.
const STOP = '[ -f "$1" ] || exit 0\npkill -TERM -P "$(cat -- "$1")" 2>/dev/null\npkill -TERM -F "$1" 2>/dev/null\nrm -f -- "$1"\nexit 0';

/** Checks what the capture scripts take; the name is the one value inside script's command string. */
function checked(toolstack: XenToolstack, name: string, files: XenGuestFiles) {
  if (toolstack !== "xl" && toolstack !== "xm") throw new Error(`not a Xen toolstack: ${String(toolstack)}`);
  return {
    name: assertMatches("name", name, GUEST_NAME, "a guest name"),
    log: assertAbsPath("files.console.log", files.console.log),
    input: assertAbsPath("files.console.input", files.console.input),
    pidfile: assertAbsPath("files.pidfile", files.pidfile),
  };
}

export function consoleCaptureStartStep(toolstack: XenToolstack, name: string, files: XenGuestFiles): TPlanStep {
  const c = checked(toolstack, name, files);
  return {
    argv: ["sh", "-c", START, "sh", toolstack, c.name, c.log, c.input, c.pidfile],
    purpose: `Capture the console of ${c.name} into ${c.log} (keystrokes through ${c.input})`,
    undo: consoleCaptureStopArgv(files),
  };
}

export function consoleCaptureStopArgv(files: Pick<XenGuestFiles, "pidfile">): string[] {
  return ["sh", "-c", STOP, "sh", assertAbsPath("files.pidfile", files.pidfile)];
}

export function consoleCaptureStopStep(name: string, files: XenGuestFiles): TPlanStep {
  return { argv: consoleCaptureStopArgv(files), purpose: `Stop the console capture of ${name}` };
}
