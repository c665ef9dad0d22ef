import { quoteArgv } from "../ssh/quote";
import type { TPlan } from "./plan";

/** The plan as a POSIX shell script a user can copy and run by hand: same argv, same order. */
export function planToShellScript(plan: TPlan, hostLabel: string): string {
  const lines = ["#!/bin/sh", `# ${plan.title}`, `# host: ${hostLabel}`, "set -eu", ""];
  plan.steps.forEach((step, i) => {
    lines.push(`# ${i + 1}. ${step.purpose.replace(/\n/g, " ")}`);
    lines.push(quoteArgv(step.argv));
    if (step.undo) lines.push(`#    undo: ${quoteArgv(step.undo)}`);
  });
  return `${lines.join("\n")}\n`;
}
