import type { TPlanStep } from "../../jobs/plan";
import { badInput } from "../../errors";
import { assertConfigRoot } from "../../root-checks";
import { PLAN_CONTENT } from "../../jobs/plan";
import { assertAbsPath, trimTrailing } from "../../names";
import { assertSafeText } from "../../safe-text";
import type { PersistFile } from "./render-persistence";

// Plan steps that put persistence files on a host. Content travels on stdin, never in a
// command line; the shell scripts are constants and every path is a positional argument.
//
// Each file is replaced atomically (written next to it, then renamed), and its previous
// version is kept so the write can be undone. The temporary and backup copies are
// dot-files in the same directory: Debian's /etc/network/interfaces reads
// `source /etc/network/interfaces.d/*`, and a glob skips dot-files, so a stray
// `labdeck.labdeck-old` there would otherwise be read as a second copy of every stanza.

const MODE = /^0?[0-7]{3}$/;

// $1 = file, $2 = backup. A backup left by an earlier run must not survive when there is
// no file now, or undo would bring back that stale content instead of removing the file.
const BACKUP = 'if [ -e "$1" ]; then cp -p "$1" "$2"; else rm -f "$2"; fi';
// $1 = file, $2 = temporary copy in the same directory (rename is atomic only there).
const WRITE = 'cat > "$2" && mv -f "$2" "$1"';
// $3 = mode, applied before the rename so the file never appears with other permissions.
const WRITE_MODE = 'cat > "$2" && chmod "$3" "$2" && mv -f "$2" "$1"';
const RESTORE = 'if [ -e "$2" ]; then mv -f "$2" "$1"; else rm -f "$1"; fi';

/** root + path without doubled slashes: ("/", "/etc/x") -> "/etc/x"; ("/tmp/r/", "/etc/x") -> "/tmp/r/etc/x". */
export function underRoot(root: string, path: string): string {
  return `${trimTrailing(root, "/")}${path}`;
}

function sibling(path: string, suffix: string): { dir: string; file: string } {
  const slash = path.lastIndexOf("/");
  const dir = path.slice(0, slash) || "/";
  return { dir, file: `${path.slice(0, slash)}/.${path.slice(slash + 1)}${suffix}` };
}

export function persistencePlanSteps(files: PersistFile[], opts: { root: string }): TPlanStep[] {
  assertConfigRoot("root", opts.root);
  return files.flatMap((f, i) => {
    assertAbsPath(`files.${i}.path`, f.path);
    if (f.mode !== undefined && !MODE.test(f.mode)) throw badInput(`files.${i}.mode`, `"${f.mode}" is not an octal mode such as 0644`);
    // ifupdown hands `up` lines to sh and iptables-restore reads rules.v4 at boot: a CR or
    // other control character there would mean one thing on screen and another at boot.
    assertSafeText(`files.${i}.content`, f.content, PLAN_CONTENT);
    assertSafeText(`files.${i}.purpose`, f.purpose);
    const path = assertAbsPath(`files.${i}.path`, underRoot(opts.root, f.path));
    const { dir, file: tmp } = sibling(path, ".labdeck-new");
    const old = sibling(path, ".labdeck-old").file;
    const write = f.mode === undefined ? ["sh", "-c", WRITE, "sh", path, tmp] : ["sh", "-c", WRITE_MODE, "sh", path, tmp, f.mode];
    return [
      { argv: ["mkdir", "-p", "--", dir], purpose: `Make sure ${dir} exists for ${path}` },
      { argv: ["sh", "-c", BACKUP, "sh", path, old], purpose: `Keep the current ${path} (if any) so this change can be undone` },
      {
        argv: write,
        stdin: f.content,
        purpose: `Write ${path}: ${f.purpose}`,
        undo: ["sh", "-c", RESTORE, "sh", path, old],
      },
    ];
  });
}
