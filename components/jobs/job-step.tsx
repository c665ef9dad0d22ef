"use client";

import { useState } from "react";
import { Badge } from "../ui/badge";
import { cx } from "../ui/cx";
import { Spinner } from "../ui/spinner";
import { formatDuration } from "../ui/time";
import type { StepState } from "./job-state";
import { shellLine } from "@/lib/shell-words";

// A non-zero exit is not always a failure (a probe asks questions whose answer may be
// "no"): only the step the job names as failed is drawn red.
function EndBadge({ step, isFailing }: { step: StepState; isFailing: boolean }) {
  const end = step.end;
  if (!end) {
    return (
      <Badge tone="blue">
        <Spinner className="size-3" /> running
        {step.timeoutMs !== null && <span className="font-normal"> (limit {formatDuration(step.timeoutMs)})</span>}
      </Badge>
    );
  }
  if (end.outcome === "exited") {
    const tone = end.exitStatus === 0 ? "green" : isFailing ? "red" : "amber";
    return (
      <Badge tone={tone} testId="step-exit">
        exit {end.exitStatus ?? "?"}
      </Badge>
    );
  }
  const tone = end.outcome === "connection-lost" || end.outcome === "unknown" ? "amber" : end.outcome === "cancelled" ? "slate" : "red";
  return (
    <Badge tone={tone} testId="step-exit">
      {end.outcome}
    </Badge>
  );
}

export function JobStep({ step, failedStep, compact = false }: { step: StepState; failedStep: number | null; compact?: boolean }) {
  const isFailing = failedStep === step.index;
  const [showOutput, setShowOutput] = useState(!compact);
  const outputVisible = step.output.length > 0 && (showOutput || isFailing);
  return (
    <li
      data-testid="job-step"
      data-step-index={step.index}
      data-failed={isFailing || undefined}
      className={cx(
        "rounded border bg-white",
        isFailing ? "border-red-400 ring-1 ring-red-300" : "border-slate-200",
        step.undo && "border-dashed",
      )}
    >
      <div className="flex flex-wrap items-center gap-2 px-3 py-1.5">
        <span className="w-6 text-right font-mono text-xs text-slate-500">{step.index + 1}.</span>
        <span className="font-medium text-slate-800" data-testid="step-purpose">
          {step.purpose}
        </span>
        {step.undo && <Badge tone="violet">undo</Badge>}
        <span className="ml-auto flex items-center gap-2 text-xs text-slate-500">
          {step.output.length > 0 && !isFailing && (
            <button
              type="button"
              className="text-blue-700 hover:underline"
              onClick={() => setShowOutput(!showOutput)}
              aria-expanded={showOutput}
            >
              {showOutput ? "hide output" : "output"}
            </button>
          )}
          {step.end && (
            <span title={step.timeoutMs !== null ? `time limit ${formatDuration(step.timeoutMs)}` : undefined} data-testid="step-duration">
              {formatDuration(step.end.durationMs)}
              {step.end.outcome === "timeout" && step.timeoutMs !== null && ` of a ${formatDuration(step.timeoutMs)} limit`}
            </span>
          )}
          <EndBadge step={step} isFailing={isFailing} />
        </span>
      </div>
      <div className="border-t border-slate-100 bg-slate-50 px-3 py-1 font-mono text-xs break-all text-slate-800" data-testid="step-argv">
        <span className="text-slate-400 select-none">$ </span>
        {shellLine(step.argv)}
      </div>
      {step.end?.error && (
        <div className="border-t border-red-200 bg-red-50 px-3 py-1 text-xs text-red-800" data-testid="step-error">
          {step.end.error}
        </div>
      )}
      {outputVisible && (
        <pre
          className={cx(
            "theme-fixed overflow-auto border-t border-slate-200 bg-slate-900 px-3 py-2 font-mono text-xs leading-snug break-words whitespace-pre-wrap",
            compact ? "max-h-40" : "max-h-96",
          )}
          data-testid="step-output"
        >
          {step.output.map((chunk, i) => (
            <span
              key={i}
              className={
                chunk.stream === "stderr"
                  ? isFailing
                    ? "font-semibold text-red-300"
                    : "text-amber-200"
                  : chunk.stream === "dropped"
                    ? "text-slate-400 italic"
                    : "text-slate-100"
              }
              data-stream={chunk.stream}
            >
              {chunk.text}
            </span>
          ))}
        </pre>
      )}
    </li>
  );
}
