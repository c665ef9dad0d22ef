"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { JobStatus } from "../api-types";
import { errorMessage } from "../trpc-errors";
import { Loading, Notice } from "../ui/states";
import { JobStatusBadge, isJobFinished } from "./job-status-badge";
import { JobTimeline } from "./job-timeline";
import { useJobWatch } from "./use-job-watch";

/** A job streamed live inside another page (probe, apply); calls onFinished once when it ends. */
export function JobInline({ jobId, title, onFinished }: { jobId: string; title: string; onFinished?: (status: JobStatus) => void }) {
  const { state, connection, error } = useJobWatch(jobId);
  const reported = useRef(false);
  const finished = state.status !== null && isJobFinished(state.status);
  const [expanded, setExpanded] = useState(false);
  const stepCount = Object.keys(state.steps).length;
  // A finished, successful job folds to one line; a failure stays open so its error shows.
  const folded = state.status === "succeeded" && !expanded;

  useEffect(() => {
    if (finished && state.status && !reported.current) {
      reported.current = true;
      onFinished?.(state.status);
    }
  }, [finished, state.status, onFinished]);

  return (
    <div className="space-y-2 rounded border border-slate-200 bg-slate-50 p-3" data-testid="job-inline" data-job-id={jobId}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{title}</span>
        {state.status && <JobStatusBadge status={state.status} />}
        {state.status === "succeeded" && (
          <button
            type="button"
            className="text-xs text-blue-700 hover:underline"
            onClick={() => setExpanded(folded)}
            data-testid="job-inline-toggle"
          >
            {folded ? `show ${stepCount} step(s)` : "hide steps"}
          </button>
        )}
        <Link href={`/jobs/${jobId}`} className="ml-auto text-xs text-blue-700 hover:underline" data-testid="job-inline-link">
          Open job
        </Link>
      </div>
      {connection === "connecting" && state.status === null && <Loading label="Connecting to the job stream…" />}
      {error && !finished && <Notice tone="warning">Live updates interrupted ({errorMessage(error)}); retrying…</Notice>}
      {!folded && <JobTimeline state={state} compact />}
    </div>
  );
}
