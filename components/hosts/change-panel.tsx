"use client";

import { useMutation } from "@tanstack/react-query";
import type { Operation, PlanPreview as TPlanPreview } from "../api-types";
import { JobInline } from "../jobs/job-inline";
import { PlanPreview } from "../jobs/plan-preview";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Button } from "../ui/button";
import { Loading, Notice } from "../ui/states";

/** Show commands -> Apply -> the job live: the one path every change to a host takes. */
export function ChangePanel({
  hostId,
  op,
  preview,
  previewPending,
  previewError,
  onClose,
  onFinished,
  reportError,
}: {
  hostId: string;
  op: Operation;
  preview: TPlanPreview | undefined;
  previewPending: boolean;
  previewError: string | null;
  onClose: () => void;
  onFinished: () => void;
  reportError: (err: unknown) => void;
}) {
  const trpc = useTRPC();
  const apply = useMutation(trpc.jobs.run.mutationOptions({ onError: reportError }));
  const jobId = apply.data?.jobId;

  return (
    <div className="space-y-3 rounded border border-blue-200 bg-blue-50/40 p-3" data-testid="change-panel">
      {previewPending && <Loading label="Building the plan…" />}
      {previewError && (
        <Notice tone="error" title="The plan could not be built">
          {previewError}
        </Notice>
      )}
      {preview && !jobId && <PlanPreview preview={preview} />}
      {apply.error && (
        <Notice tone="error" title="Not applied" testId="apply-error">
          {errorMessage(apply.error)}
        </Notice>
      )}
      {jobId && <JobInline jobId={jobId} title={preview?.plan.title ?? "Change"} onFinished={onFinished} />}
      <div className="flex gap-2">
        {!jobId && preview && (
          <Button
            variant={op.kind === "scratch.remove" ? "danger" : "primary"}
            pending={apply.isPending}
            onClick={() => apply.mutate({ hostId, op })}
            data-testid="apply-plan"
          >
            Apply
          </Button>
        )}
        <Button onClick={onClose} disabled={apply.isPending} data-testid="change-close">
          {jobId ? "Close" : "Cancel"}
        </Button>
      </div>
    </div>
  );
}
