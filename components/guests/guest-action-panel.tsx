"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { GuestAction, JobStatus } from "../api-types";
import { JobInline } from "../jobs/job-inline";
import { PlanPreview } from "../jobs/plan-preview";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { Input } from "../ui/input";
import { Loading, Notice } from "../ui/states";
import { ACTION_LABEL } from "./guest-state";

/** One lifecycle action: its plan, then Run, then the job live (delete asks for the guest's name). */
export function GuestActionPanel({
  guestId,
  guestName,
  action,
  onClose,
  onStarted,
  onFinished,
  onForceStop,
}: {
  guestId: string;
  guestName: string;
  action: GuestAction;
  onClose: () => void;
  onStarted: () => void;
  onFinished: (status: JobStatus) => void;
  onForceStop: () => void;
}) {
  const trpc = useTRPC();
  const [removeImages, setRemoveImages] = useState(false);
  const [typed, setTyped] = useState("");
  const [finished, setFinished] = useState<JobStatus | null>(null);
  const input = { id: guestId, action, ...(action === "delete" ? { removeImages } : {}) };
  const preview = useQuery(trpc.guests.preview.queryOptions(input, { staleTime: 0, retry: false }));
  const run = useMutation(trpc.guests.run.mutationOptions({ onSuccess: onStarted }));
  const jobId = run.data?.jobId;
  const isDelete = action === "delete";
  const confirmed = !isDelete || typed === guestName;

  return (
    <div className="space-y-3 rounded border border-blue-200 bg-blue-50/40 p-3" data-testid="guest-action-panel" data-action={action}>
      <div className="font-medium">
        {ACTION_LABEL[action]} {guestName}
      </div>
      {isDelete && !jobId && (
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={removeImages}
            onChange={(e) => setRemoveImages(e.target.checked)}
            data-testid="delete-remove-images"
          />
          Also remove the disk images Labdeck itself created for this guest (recorded when its start made them; the preview lists them); any
          other file, even one named as a new image, is always kept
        </label>
      )}
      {preview.isPending && <Loading label="Building the plan…" />}
      {preview.error && (
        <Notice tone="error" title="The plan could not be built">
          {errorMessage(preview.error)}
        </Notice>
      )}
      {preview.data && !jobId && <PlanPreview preview={preview.data} />}
      {isDelete && !jobId && preview.data && (
        <Field label={`Type the guest's name (${guestName}) to delete it`} htmlFor="delete-confirm-name">
          <Input
            id="delete-confirm-name"
            className="max-w-xs font-mono"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
          />
        </Field>
      )}
      {run.error && (
        <Notice tone="error" title="Not run" testId="guest-run-error">
          {errorMessage(run.error)}
        </Notice>
      )}
      {jobId && (
        <JobInline
          jobId={jobId}
          title={preview.data?.plan.title ?? ACTION_LABEL[action]}
          onFinished={(s) => {
            setFinished(s);
            onFinished(s);
          }}
        />
      )}
      {action === "shutdown" && finished !== null && finished !== "succeeded" && (
        <Notice
          tone="warning"
          title="The guest did not power off"
          testId="shutdown-failed"
          action={
            <Button variant="danger" size="sm" onClick={onForceStop} data-testid="offer-force-stop">
              Force stop
            </Button>
          }
        >
          It ignored the ACPI power button (or the shutdown could not be confirmed). A force stop ends QEMU without the guest&apos;s
          cooperation.
        </Notice>
      )}
      <div className="flex gap-2">
        {!jobId && preview.data && (
          <Button
            variant={isDelete || action === "force-stop" ? "danger" : "primary"}
            pending={run.isPending}
            disabled={!confirmed}
            onClick={() => run.mutate(input)}
            data-testid="guest-action-run"
          >
            {isDelete ? "Delete guest" : `Run: ${ACTION_LABEL[action]}`}
          </Button>
        )}
        <Button onClick={onClose} disabled={run.isPending} data-testid="guest-action-close">
          {jobId ? "Close" : "Cancel"}
        </Button>
      </div>
    </div>
  );
}
