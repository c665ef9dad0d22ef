"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect } from "react";
import { useCan } from "../auth/session";
import { PageHeader } from "../layout/page-header";
import { useTRPC } from "../trpc-provider";
import { errorCode, errorMessage } from "../trpc-errors";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Loading, Notice } from "../ui/states";
import { RelativeTime, formatDuration } from "../ui/time";
import { JobStatusBadge, isJobFinished } from "./job-status-badge";
import { JobTimeline } from "./job-timeline";
import { useJobWatch } from "./use-job-watch";

export function JobDetail({ jobId }: { jobId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canOperate = useCan("operator");
  const job = useQuery(trpc.jobs.get.queryOptions({ jobId }));
  const { state, connection, error } = useJobWatch(job.isSuccess ? jobId : null);
  const status = state.status ?? job.data?.status ?? null;
  const finished = status !== null && isJobFinished(status);
  const cancel = useMutation(trpc.jobs.cancel.mutationOptions());

  useEffect(() => {
    if (finished) void queryClient.invalidateQueries(trpc.jobs.get.queryFilter({ jobId }));
  }, [finished, queryClient, trpc, jobId]);

  if (job.isPending) return <Loading label="Loading job…" />;
  if (job.isError) {
    return (
      <Notice tone="error" title={errorCode(job.error) === "NOT_FOUND" ? "No such job" : "Could not load the job"}>
        {errorMessage(job.error)}
      </Notice>
    );
  }
  const j = job.data;
  return (
    <div className="space-y-4">
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            <span data-testid="job-title">{j.title}</span>
            {status && <JobStatusBadge status={status} />}
          </span>
        }
        subtitle={
          <span>
            on{" "}
            <Link href={`/hosts/${j.hostId}`} className="text-blue-700 hover:underline">
              {j.hostName}
            </Link>{" "}
            · {j.kind} · by {j.createdBy} · created <RelativeTime date={j.createdAt} />
            {j.startedAt && j.finishedAt && <> · took {formatDuration(j.finishedAt.getTime() - j.startedAt.getTime())}</>}
          </span>
        }
        actions={
          canOperate &&
          !finished && (
            <Button variant="danger" pending={cancel.isPending} onClick={() => cancel.mutate({ jobId })} data-testid="job-cancel">
              Cancel job
            </Button>
          )
        }
      />
      {cancel.error && <Notice tone="error">Cancel failed: {errorMessage(cancel.error)}</Notice>}
      {error && !finished && <Notice tone="warning">Live updates interrupted ({errorMessage(error)}); reconnecting…</Notice>}
      <Card
        title="Steps"
        description={
          finished ? `${j.plan.steps.length} planned step(s)` : connection === "connecting" ? "connecting to the live stream…" : "live"
        }
      >
        {state.status === null ? <Loading label="Loading the job's transcript…" /> : <JobTimeline state={state} />}
      </Card>
    </div>
  );
}
