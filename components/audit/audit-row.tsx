"use client";

import Link from "next/link";
import { useState } from "react";
import type { AuditItem } from "../api-types";
import { shellLine } from "@/lib/shell-words";
import { Badge, type Tone } from "../ui/badge";
import { Td, Tr } from "../ui/table";
import { formatDuration, formatTime } from "../ui/time";
import { AuditReadCommands, readSummary } from "./audit-read-commands";

const OUTCOME: Record<string, Tone> = { ok: "green", failed: "red", unknown: "amber", absent: "gray" };

function detailsLine(details: Record<string, unknown> | null): string {
  if (!details) return "";
  return Object.entries(details)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
}

export function AuditRow({ item, match }: { item: AuditItem; match?: string }) {
  const [open, setOpen] = useState(false);
  const expandable = !!item.outputExcerpt || !!item.details || !!item.commands;
  return (
    <>
      <Tr
        data-testid="audit-row"
        data-kind={item.kind}
        data-commands={item.commands?.length}
        data-action={item.action}
        data-outcome={item.outcome}
      >
        <Td className="text-xs whitespace-nowrap text-slate-600">{formatTime(item.at)}</Td>
        <Td>{item.username}</Td>
        <Td className="whitespace-nowrap">
          <span className="text-xs text-slate-500">{item.kind}</span>{" "}
          {item.kind !== "command" && <span className="font-medium">{item.action}</span>}
        </Td>
        <Td className="whitespace-nowrap">
          {item.hostId && item.hostName ? (
            <Link href={`/hosts/${item.hostId}`} className="hover:underline">
              {item.hostName}
            </Link>
          ) : (
            (item.hostName ?? "—")
          )}
        </Td>
        <Td className="min-w-[22rem] font-mono text-xs break-all" data-testid="audit-argv">
          {item.argv ? (
            <span data-testid="audit-command">{shellLine(item.argv)}</span>
          ) : item.commands ? (
            <span data-testid="audit-read-summary">{readSummary(item.commands)}</span>
          ) : (
            <span className="text-slate-500">{detailsLine(item.details)}</span>
          )}
          {item.jobId && (
            <Link href={`/jobs/${item.jobId}`} className="ml-2 font-sans text-blue-700 hover:underline">
              job
            </Link>
          )}
        </Td>
        <Td className="font-mono text-xs">{item.exitStatus ?? "—"}</Td>
        <Td>
          <Badge tone={OUTCOME[item.outcome] ?? "gray"}>{item.outcome}</Badge>
        </Td>
        <Td className="text-xs whitespace-nowrap text-slate-600">{formatDuration(item.durationMs)}</Td>
        <Td>
          {expandable && (
            <button
              type="button"
              className="text-xs text-blue-700 hover:underline"
              onClick={() => setOpen(!open)}
              aria-expanded={open}
              data-testid="audit-expand"
            >
              {open ? "hide" : item.commands ? "commands" : item.outputExcerpt ? "output" : "details"}
            </button>
          )}
        </Td>
      </Tr>
      {open && (
        <tr className="border-b border-slate-100 bg-slate-50">
          <td colSpan={9} className="px-3 py-2">
            {item.commands && <AuditReadCommands commands={item.commands} {...(match !== undefined ? { match } : {})} />}
            {item.outputExcerpt !== null && (
              <pre
                className="theme-fixed max-h-72 overflow-auto rounded bg-slate-900 p-2 font-mono text-xs text-slate-100"
                data-testid="audit-output"
              >
                {item.outputExcerpt || "(no output)"}
              </pre>
            )}
            {item.details && <pre className="mt-2 font-mono text-xs text-slate-700">{JSON.stringify(item.details, null, 2)}</pre>}
          </td>
        </tr>
      )}
    </>
  );
}
