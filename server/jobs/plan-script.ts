import { quoteArg, quoteArgv } from "../ssh/quote";
import type { TPlan, TQmpCall } from "./plan";

// A QMP step by hand: the monitor wants the capabilities handshake before any command.
function qmpLine(call: TQmpCall): string {
  const cmd = JSON.stringify({ execute: call.execute, ...(call.arguments ? { arguments: call.arguments } : {}) });
  return `printf '%s\\n' ${quoteArg('{"execute":"qmp_capabilities"}')} ${quoteArg(cmd)} | socat - ${quoteArg(`UNIX-CONNECT:${call.socket}`)}`;
}

/** `cmd <<'EOF'` with a terminator that does not occur in the text (quoted: no expansion). */
function hereDocument(command: string, text: string): string[] {
  let marker = "LABDECK_EOF";
  for (let n = 1; text.split("\n").includes(marker); n++) marker = `LABDECK_EOF_${n}`;
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  return [`${command} <<'${marker}'`, ...(body === "" && !text.endsWith("\n") ? [] : body.split("\n")), marker];
}

/** The plan as a POSIX shell script a user can copy and run by hand: same argv, same order. */
export function planToShellScript(plan: TPlan, hostLabel: string): string {
  const lines = ["#!/bin/sh", `# ${plan.title}`, `# host: ${hostLabel}`, "set -eu", ""];
  plan.steps.forEach((step, i) => {
    lines.push(`# ${i + 1}. ${step.purpose.replace(/\n/g, " ")}`);
    if (step.qmp) lines.push(qmpLine(step.qmp));
    else if (step.stdin !== undefined) lines.push(...hereDocument(quoteArgv(step.argv), step.stdin));
    else lines.push(quoteArgv(step.argv));
    if (step.undo) lines.push(`#    undo: ${quoteArgv(step.undo)}`);
  });
  return `${lines.join("\n")}\n`;
}
