"use client";

import type { AuditItem } from "../api-types";
import { shellLine } from "@/lib/shell-words";
import { Badge, type Tone } from "../ui/badge";
import { formatDuration } from "../ui/time";

// The commands of one read row (a page opened, a refresh, a preview), listed when the row
// is expanded: each with its exit status, outcome, duration, note and output excerpt.
// "absent" is an optional file or tool the host does not have: an answer, not a failure.

export const COMMAND_OUTCOME: Record<string, Tone> = { ok: "green", failed: "red", unknown: "amber", absent: "gray" };

type ReadCommand = NonNullable<AuditItem["commands"]>[number];

/** The collapsed cell: how many commands, and the first of them. */
export function readSummary(commands: readonly ReadCommand[]): string {
  const first = commands[0];
  if (!first) return "no commands";
  const more = commands.length > 1 ? ` … and ${commands.length - 1} more` : "";
  return `${commands.length} command${commands.length === 1 ? "" : "s"}: ${shellLine(first.argv)}${more}`;
}

export function AuditReadCommands({ commands, match }: { commands: readonly ReadCommand[]; match?: string }) {
  const needle = match?.trim().toLowerCase() ?? "";
  return (
    <ol className="space-y-2" data-testid="audit-read-commands">
      {commands.map((c, i) => {
        const line = shellLine(c.argv);
        const hit = needle !== "" && line.toLowerCase().includes(needle);
        return (
          <li
            key={i}
            className={`rounded border p-2 ${hit ? "border-blue-400" : "border-slate-200"}`}
            data-testid="audit-read-command"
            data-outcome={c.outcome}
          >
            <div className="flex flex-wrap items-center gap-2 text-xs">
              <span className="font-mono break-all" data-testid="audit-read-argv">
                {line}
              </span>
              <span className="font-mono text-slate-500">exit {c.exitStatus ?? "—"}</span>
              <Badge tone={COMMAND_OUTCOME[c.outcome] ?? "gray"}>{c.outcome}</Badge>
              <span className="text-slate-500">{formatDuration(c.durationMs)}</span>
              {c.purpose && <span className="text-slate-500">{c.purpose}</span>}
            </div>
            {c.note && (
              <div className="mt-1 text-xs text-slate-600" data-testid="audit-read-note">
                {c.note}
              </div>
            )}
            {c.output && (
              <pre className="theme-fixed mt-1 max-h-40 overflow-auto rounded bg-slate-900 p-2 font-mono text-xs text-slate-100">
                {c.output}
              </pre>
            )}
          </li>
        );
      })}
    </ol>
  );
}
