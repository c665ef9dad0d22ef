import { quoteArg, quoteArgv } from "../ssh/quote";
import type { TPlan, TQmpCall } from "./plan";

// A QMP step by hand: the monitor wants the capabilities handshake before any command.
function qmpLine(call: TQmpCall): string {
  const cmd = JSON.stringify({ execute: call.execute, ...(call.arguments ? { arguments: call.arguments } : {}) });
  return `printf '%s\\n' ${quoteArg('{"execute":"qmp_capabilities"}')} ${quoteArg(cmd)} | socat - ${quoteArg(`UNIX-CONNECT:${call.socket}`)}`;
}

/** The plan as a POSIX shell script a user can copy and run by hand: same argv, same order. */
export function planToShellScript(plan: TPlan, hostLabel: string): string {
  const lines = ["#!/bin/sh", `# ${plan.title}`, `# host: ${hostLabel}`, "set -eu", ""];
  plan.steps.forEach((step, i) => {
    lines.push(`# ${i + 1}. ${step.purpose.replace(/\n/g, " ")}`);
    lines.push(step.qmp ? qmpLine(step.qmp) : quoteArgv(step.argv));
    if (step.undo) lines.push(`#    undo: ${quoteArgv(step.undo)}`);
  });
  return `${lines.join("\n")}\n`;
}
