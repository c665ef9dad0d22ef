import { z } from "zod";
import { badInput, LabdeckError } from "../../errors";
import type { TPlanStep } from "../../jobs/plan";
import { assertAbsPath, trimTrailing } from "../../names";
import { quoteArgv } from "../../ssh/quote";

// A network change that can cut Labdeck off is applied with a rollback armed ON THE HOST:
// a detached timer process that, unless the user confirms in time, runs the undo steps of
// the change by itself. It has to work exactly when Labdeck cannot reach the host, so it
// must not depend on the SSH session that started it: it runs in its own session (setsid)
// with stdio on /dev/null, out of the process group the job runner kills on a timeout.
//
// Files in the change's directory DIR:
//   rollback.sh   the undo argvs, rendered here with quoteArgv; writes rolled-back last
//   deadline      host epoch seconds when the timer fires
//   timer.pid     the timer's pid, which is also its process group (setsid)
//   decision      a symlink whose target says who won: "confirm" or "rollback"
//   rolled-back   the rollback script ran to its end; rollback.log holds its output
// Confirm and the timer race for `decision`: symlink(2) is atomic and fails when the name
// exists, so exactly one of them wins and the loser can read who did. Every script below
// is a constant; DIR and the seconds reach it as positional arguments only.

/** Allowed countdowns at the API edge: long enough to read the result, at most an hour. */
export const ZRollbackSeconds = z.number().int().min(10).max(3600);
export const DEFAULT_ROLLBACK_SECONDS = 60;

/** Exit statuses of confirm and roll-back-now, and what each prints on stdout. */
export const ROLLBACK_EXIT = {
  /** confirm: disarmed (or already confirmed); now: rolled back. */
  ok: 0,
  /** The timer or an earlier "revert now" won: the change is (being) rolled back. */
  rolledBack: 3,
  /** DIR holds no armed rollback. */
  none: 4,
  /** now: the change was confirmed already; nothing is rolled back. */
  confirmed: 5,
} as const;

export interface RollbackSpec {
  /** Absolute work directory of the change on the host. */
  dir: string;
  /** Countdown in seconds; the API allows 10..3600 (ZRollbackSeconds), tests go lower. */
  seconds: number;
  /** Undo argvs of the applied steps, in the order they must run (already reversed). */
  undo: string[][];
}

function checkDir(dir: string): string {
  assertAbsPath("dir", dir);
  if (dir === "/") throw badInput("dir", "the rollback needs its own directory, not /");
  return trimTrailing(dir, "/");
}

/** The rollback script: every undo runs even when one fails; the marker says it ended. */
export function renderRollbackScript(spec: RollbackSpec): string {
  const dir = checkDir(spec.dir);
  if (spec.undo.length === 0) throw badInput("undo", "a rollback needs at least one undo step");
  const lines = spec.undo.map((argv, i) => {
    if (argv.length === 0) throw badInput(`undo.${i}`, "empty argv");
    return `${quoteArgv(argv)}\necho "undo ${i + 1}/${spec.undo.length} exit $?"`;
  });
  return [
    "#!/bin/sh",
    "# Written by Labdeck: restores the network as it was before the change.",
    "set +e",
    ...lines,
    `: > ${quoteArgv([`${dir}/rolled-back`])}`,
    "",
  ].join("\n");
}

// Kills the timer's process group, but only if the pid in timer.pid is still the timer of
// this very directory: a pid left from a timer that ended may belong to anything by now.
const KILL_TIMER =
  'p=$(cat "$1/timer.pid" 2>/dev/null); case "$p" in ""|*[!0-9]*) ;; *) ' +
  'if tr "\\000" "\\n" < "/proc/$p/cmdline" 2>/dev/null | grep -Fxq -- "$1/rollback.sh"; then kill -TERM "-$p" 2>/dev/null; fi;; esac';

// The timer. $$ is the session leader setsid made, so its pid is the group to kill. Its
// third argument is unused by the script: it tags the process so KILL_TIMER and status can
// tell it from an unrelated process that inherited a stale pid.
const TIMER_SCRIPT =
  'echo $$ > "$1/timer.pid"; sleep "$2"; ' +
  'ln -sn rollback "$1/decision" 2>/dev/null || exit 0; ' +
  'sh "$1/rollback.sh" > "$1/rollback.log" 2>&1';

// Arms once per directory; waits until the timer has written its pid, so the job's next
// step (the first change) only runs with the timer really started.
const ARM_SCRIPT =
  'if [ -e "$1/deadline" ]; then echo "a rollback was already armed in $1" >&2; exit 1; fi; ' +
  '[ -s "$1/rollback.sh" ] || { echo "no rollback script in $1" >&2; exit 1; }; ' +
  'echo $(( $(date +%s) + $2 )) > "$1/deadline" || exit 1; ' +
  `setsid -f sh -c '${TIMER_SCRIPT}' sh "$1" "$2" "$1/rollback.sh" </dev/null >/dev/null 2>&1 || exit 1; ` +
  'i=0; while [ ! -s "$1/timer.pid" ]; do i=$((i+1)); if [ $i -gt 100 ]; then echo "the rollback timer did not start" >&2; exit 1; fi; sleep 0.05; done; ' +
  'echo "armed: rollback at $(cat "$1/deadline")"';

export function armRollbackSteps(spec: RollbackSpec): TPlanStep[] {
  const dir = checkDir(spec.dir);
  if (!Number.isInteger(spec.seconds) || spec.seconds < 1 || spec.seconds > 3600) {
    throw badInput("seconds", "a whole number of seconds between 1 and 3600");
  }
  const script = renderRollbackScript(spec);
  // No undo on these steps: if the change fails half-way, the armed timer is the undo.
  return [
    { argv: ["mkdir", "-p", "--", dir], purpose: "create the change's directory for its rollback" },
    {
      argv: ["sh", "-c", 'umask 077; cat > "$1"', "sh", `${dir}/rollback.sh`],
      stdin: script,
      purpose: "write the script that restores the network if the change is not confirmed",
    },
    {
      argv: ["sh", "-c", ARM_SCRIPT, "sh", dir, String(spec.seconds)],
      purpose: `arm the host to roll the change back by itself in ${spec.seconds} s unless it is confirmed`,
      timeoutMs: 30_000,
    },
  ];
}

const CONFIRM_SCRIPT =
  '[ -e "$1/deadline" ] || { echo none; exit 4; }; ' +
  `if ln -sn confirm "$1/decision" 2>/dev/null; then ${KILL_TIMER}; echo confirmed; exit 0; fi; ` +
  'case "$(readlink "$1/decision")" in confirm) echo already-confirmed; exit 0;; *) echo rolled-back; exit 3;; esac';

/** Disarms: exit 0 confirmed (also when confirmed before), 3 the rollback fired, 4 nothing armed. */
export function confirmRollbackArgv(dir: string): string[] {
  return ["sh", "-c", CONFIRM_SCRIPT, "sh", checkDir(dir)];
}

// The rollback runs detached like the timer's would: it may cut this very session half-way
// (that is what it is for), and the job runner kills the session's process group when it
// gives up waiting. It then waits up to 30 s for the end marker to report the outcome.
const ROLLBACK_NOW_SCRIPT =
  '[ -e "$1/deadline" ] || { echo none; exit 4; }; ' +
  'if ln -sn rollback "$1/decision" 2>/dev/null; then ' +
  `${KILL_TIMER}; ` +
  `setsid -f sh -c 'sh "$1/rollback.sh" > "$1/rollback.log" 2>&1' sh "$1" </dev/null >/dev/null 2>&1; ` +
  'i=0; while [ ! -e "$1/rolled-back" ] && [ $i -lt 600 ]; do i=$((i+1)); sleep 0.05; done; ' +
  'if [ -e "$1/rolled-back" ]; then echo rolled-back; else echo rolling-back; fi; exit 0; fi; ' +
  'case "$(readlink "$1/decision")" in confirm) echo confirmed; exit 5;; *) echo rolled-back; exit 3;; esac';

/** "Revert now": runs the rollback at once and disarms the timer (see ROLLBACK_EXIT). */
export function rollbackNowArgv(dir: string): string[] {
  return ["sh", "-c", ROLLBACK_NOW_SCRIPT, "sh", checkDir(dir)];
}

const STATUS_SCRIPT =
  'now=$(date +%s); deadline=$(cat "$1/deadline" 2>/dev/null); ' +
  'case "$deadline" in ""|*[!0-9]*) deadline=null;; esac; ' +
  'alive=false; p=$(cat "$1/timer.pid" 2>/dev/null); case "$p" in ""|*[!0-9]*) ;; *) ' +
  'if tr "\\000" "\\n" < "/proc/$p/cmdline" 2>/dev/null | grep -Fxq -- "$1/rollback.sh"; then alive=true; fi;; esac; ' +
  'case "$(readlink "$1/decision" 2>/dev/null)" in ' +
  "confirm) state=confirmed;; " +
  'rollback) if [ -e "$1/rolled-back" ]; then state=rolled-back; else state=rolling-back; fi;; ' +
  '*) if [ "$deadline" = null ]; then state=none; else state=armed; fi;; esac; ' +
  'printf \'{"state":"%s","deadline":%s,"now":%s,"timerAlive":%s}\\n\' "$state" "$deadline" "$now" "$alive"';

/** Prints one JSON line: state, deadline and now (host epoch seconds), timerAlive. */
export function rollbackStatusArgv(dir: string): string[] {
  return ["sh", "-c", STATUS_SCRIPT, "sh", checkDir(dir)];
}

export const ZRollbackStatus = z.object({
  /** "rolling-back": the timer (or "revert now") won and the script has not ended yet. */
  state: z.enum(["armed", "confirmed", "rolling-back", "rolled-back", "none"]),
  deadline: z.number().int().nullable(),
  /** The host's clock when asked: the countdown is deadline - now, whatever Labdeck's clock says. */
  now: z.number().int(),
  /** false for "armed" means the timer is gone (the host rebooted): nothing will roll back. */
  timerAlive: z.boolean(),
});
export type TRollbackStatus = z.infer<typeof ZRollbackStatus>;

export function parseRollbackStatus(stdout: string): TRollbackStatus {
  const line = stdout.trim().split("\n").pop() ?? "";
  try {
    return ZRollbackStatus.parse(JSON.parse(line));
  } catch (e) {
    throw new LabdeckError("INTERNAL", "rollback status: unreadable output", { details: { stdout: stdout.slice(0, 200) }, cause: e });
  }
}
