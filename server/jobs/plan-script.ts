import { escapeUnsafe } from "../../lib/safe-text";
import { quoteArg, quoteArgv } from "../ssh/quote";
import { assertPlanText, type TPlan, type TQmpCall } from "./plan";

// A plan as the shell script a user copies and runs by hand. Do not break: the script
// runs exactly the plan's argv in order, and nothing but a step's argv is ever outside a
// comment or a here-document body.

// A QMP step by hand: the monitor wants the capabilities handshake before any command.
function qmpLine(call: TQmpCall): string {
  const cmd = JSON.stringify({ execute: call.execute, ...(call.arguments ? { arguments: call.arguments } : {}) });
  return `printf '%s\\n' ${quoteArg('{"execute":"qmp_capabilities"}')} ${quoteArg(cmd)} | socat - ${quoteArg(`UNIX-CONNECT:${call.socket}`)}`;
}

/**
 * A here-document terminator that occurs nowhere in `text`, not only on no LF-split line:
 * a line that ends in CR, VT, FF, NEL or U+2028/9 reads as a line break to an editor, a
 * terminal or a CRLF-converting copy and paste, so "LABDECK_EOF\r" must push the marker
 * on as surely as "LABDECK_EOF" does. Refusing the substring anywhere covers every kind.
 */
export function hereDocMarker(text: string): string {
  let marker = "LABDECK_EOF";
  for (let n = 1; text.includes(marker); n++) marker = `LABDECK_EOF_${n}`;
  return marker;
}

/** `cmd <<'EOF'` (quoted: no expansion); sh splits the body on LF only. */
function hereDocument(command: string, text: string): string[] {
  const marker = hereDocMarker(text);
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  return [`${command} <<'${marker}'`, ...(body === "" && !text.endsWith("\n") ? [] : body.split("\n")), marker];
}

/** A comment line stays one line: an undo `sh -c` script with a newline must not leave the comment and run. */
function comment(text: string): string {
  return `# ${escapeUnsafe(text)}`;
}

/** The plan as a POSIX shell script a user can copy and run by hand: same argv, same order. */
export function planToShellScript(plan: TPlan, hostLabel: string): string {
  assertPlanText(plan);
  const lines = ["#!/bin/sh", comment(plan.title), comment(`host: ${hostLabel}`), "set -eu", ""];
  plan.steps.forEach((step, i) => {
    lines.push(comment(`${i + 1}. ${step.purpose}`));
    if (step.qmp) lines.push(qmpLine(step.qmp));
    else if (step.stdin !== undefined) lines.push(...hereDocument(quoteArgv(step.argv), step.stdin));
    else lines.push(quoteArgv(step.argv));
    if (step.undo) lines.push(comment(`   undo: ${quoteArgv(step.undo)}`));
  });
  return `${lines.join("\n")}\n`;
}
