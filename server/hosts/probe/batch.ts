import { randomBytes } from "node:crypto";
import type { ExecResult } from "../../ssh/types";

// Several read-only probe commands in one SSH round trip, each still its own command: one
// fixed shell script (BATCH_SCRIPT, never built from data) takes the commands as positional
// arguments, runs them one after another with stdin closed, and frames each one's stdout
// and stderr between marker lines that carry its index, exit status and host-side times.
// Nothing from the host is interpreted by a shell: the script refers to arguments only as
// "${k}" with k a number it counted itself. The script forks nothing but the commands
// (eval and read are builtins): a first version bounded each stream on the host with two
// `head -c` pipes per command, and those forks made a hundred probes slower than no batch.
//
// What must not break: the host's bytes are hostile. The marker is random per run (a command
// that does not know it cannot end its section early or forge another's status); the whole
// answer is capped by the SSH layer (maxOutputBytes per stream, keeping the tail: a flood
// drops the first markers, and those commands then read as not exited, never as another's
// output) and each section is cut to its bound here; the splitter scans with indexOf only,
// linear in the output. A section whose end marker never arrived is not "exited": it takes
// the outcome of the whole run (timeout, connection lost), so a partial answer is never
// read as a complete one.

/** One command of a batch and the most bytes of each of its streams that are kept. */
export interface BatchCommand {
  argv: readonly string[];
  maxBytes: number;
}

export const BATCH_SCRIPT = [
  "m=$1; shift; i=0",
  'while [ "$#" -gt 0 ]; do',
  "  n=$1; shift",
  "  case $n in ''|*[!0-9]*) exit 97;; esac",
  '  [ "$n" -ge 1 ] && [ "$n" -le "$#" ] || exit 97',
  "  refs=; k=1",
  '  while [ "$k" -le "$n" ]; do refs="$refs \\"\\${$k}\\""; k=$((k+1)); done',
  '  printf \'\\n%s begin %d\\n\' "$m" "$i"; printf \'\\n%s begin %d\\n\' "$m" "$i" >&2',
  "  t0=; read -r t0 rest 2>/dev/null </proc/uptime",
  '  eval "$refs" </dev/null; st=$?',
  "  t1=; read -r t1 rest 2>/dev/null </proc/uptime",
  '  printf \'\\n%s end %d %s %s %s\\n\' "$m" "$i" "$st" "$t0" "$t1"; printf \'\\n%s end %d\\n\' "$m" "$i" >&2',
  '  shift "$n"; i=$((i+1))',
  "done",
].join("\n");

/** The program name the script runs as ($0): what `ps` on the host shows. */
export const BATCH_NAME = "labdeck-probe-batch";

export function newMarker(): string {
  return `LABDECK-${randomBytes(16).toString("hex")}`;
}

export function batchArgv(marker: string, commands: readonly BatchCommand[]): string[] {
  const args = commands.flatMap((c) => {
    if (c.argv.length === 0) throw new Error("a batched command needs an argv");
    if (!Number.isInteger(c.maxBytes) || c.maxBytes < 1) throw new Error("a batched command needs a positive byte bound");
    return [String(c.argv.length), ...c.argv];
  });
  return ["sh", "-c", BATCH_SCRIPT, BATCH_NAME, marker, ...args];
}

interface Section {
  text: string;
  /** Present only on stdout: "status t0 t1" as the script printed them. */
  tail: string | null;
  complete: boolean;
}

/** The sections of one stream, in order; a missing or unterminated one ends the scan. */
function sections(stream: string, marker: string, count: number, withTail: boolean, maxBytes: readonly number[]): Section[] {
  const out: Section[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const begin = `\n${marker} begin ${i}\n`;
    const b = stream.indexOf(begin, pos);
    if (b < 0) break;
    const start = b + begin.length;
    const endHead = `\n${marker} end ${i}${withTail ? " " : "\n"}`;
    const e = stream.indexOf(endHead, start);
    const bound = maxBytes[i] ?? 0;
    if (e < 0) {
      out.push({ text: stream.slice(start, start + bound), tail: null, complete: false });
      break;
    }
    let next = e + endHead.length;
    let tail: string | null = null;
    if (withTail) {
      const nl = stream.indexOf("\n", next);
      if (nl < 0) {
        out.push({ text: stream.slice(start, Math.min(e, start + bound)), tail: null, complete: false });
        break;
      }
      tail = stream.slice(next, Math.min(nl, next + 64));
      next = nl + 1;
    } else {
      next = e + endHead.length;
    }
    out.push({ text: stream.slice(start, Math.min(e, start + bound)), tail, complete: true });
    pos = next;
  }
  return out;
}

function exitStatusOf(field: string | undefined): number | null {
  if (field === undefined || field.length === 0 || field.length > 3) return null;
  for (const ch of field) if (ch < "0" || ch > "9") return null;
  const n = Number(field);
  return n <= 255 ? n : null;
}

/** Host-side duration from two /proc/uptime readings ("12345.67"), in ms; 0 when unreadable. */
function hostDurationMs(t0: string | undefined, t1: string | undefined): number {
  const a = Number(t0);
  const b = Number(t1);
  if (!t0 || !t1 || !Number.isFinite(a) || !Number.isFinite(b) || b < a) return 0;
  return Math.round((b - a) * 1000);
}

/**
 * One result per command, in order. A command whose stdout section ended with a readable
 * status is "exited" with it; the rest get the run's own outcome (never "exited" while the
 * run ended otherwise), or "connection-lost" when the run exited but its sections are not
 * all there (the script was refused or cut short: the outcome cannot be read).
 */
export function splitBatch(result: ExecResult, marker: string, commands: readonly BatchCommand[]): ExecResult[] {
  const bounds = commands.map((c) => c.maxBytes);
  const outs = sections(result.stdout, marker, commands.length, true, bounds);
  const errs = sections(result.stderr, marker, commands.length, false, bounds);
  const missing: ExecResult["outcome"] = result.outcome === "exited" ? "connection-lost" : result.outcome;
  return commands.map((_c, i) => {
    const o = outs[i];
    const fields = o?.tail?.split(" ") ?? [];
    const status = o?.complete ? exitStatusOf(fields[0]) : null;
    const stderr = errs[i]?.text ?? "";
    if (o === undefined || status === null) {
      return { outcome: missing, exitStatus: null, exitSignal: null, stdout: o?.text ?? "", stderr, durationMs: 0 };
    }
    return {
      outcome: "exited",
      exitStatus: status,
      exitSignal: null,
      stdout: o.text,
      stderr,
      durationMs: hostDurationMs(fields[1], fields[2]),
    };
  });
}
