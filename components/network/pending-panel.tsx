"use client";

import { useMutation } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { JobStatus } from "../api-types";
import { JobInline } from "../jobs/job-inline";
import { useTRPC } from "../trpc-provider";
import { errorMessage, fieldErrors, asApiError } from "../trpc-errors";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Notice } from "../ui/states";
import { NetPlanView } from "./net-plan-view";
import type { NetworkPreview } from "./network-types";
import { changingEdits, editForField, flattenEdits, type PendingEdit } from "./pending-edits";

// The list of edits not yet on the host, and the one way they get there: Preview (the
// server plans them against the host as it is now), then Apply (a job, live). A preview
// belongs to exactly the list it was made for; any edit after it hides it again, so what
// is applied is always what was shown.

export function PendingPanel({
  hostId,
  edits,
  canEdit,
  onRemove,
  onClear,
  onApplied,
}: {
  hostId: string;
  edits: PendingEdit[];
  canEdit: boolean;
  onRemove: (id: string) => void;
  onClear: () => void;
  onApplied: (status: JobStatus) => void;
}) {
  const trpc = useTRPC();
  const flat = useMemo(() => flattenEdits(edits), [edits]);
  const requestKey = JSON.stringify([flat.ops, flat.guestLinks]);
  const [previewed, setPreviewed] = useState<{ key: string; preview: NetworkPreview } | null>(null);
  const [applied, setApplied] = useState<{ jobId: string | null; title: string } | null>(null);
  const preview = useMutation(
    trpc.network.preview.mutationOptions({
      onSuccess: (p, input) => setPreviewed({ key: JSON.stringify([input.ops ?? [], input.guestLinks ?? []]), preview: p }),
    }),
  );
  const run = useMutation(
    trpc.network.run.mutationOptions({
      onSuccess: ({ jobId, title }) => {
        // The server's title, so the job counts edits exactly as this panel did.
        setApplied({ jobId, title: title ?? "Network change" });
        setPreviewed(null);
        // Nothing for the host to run (only stopped guests re-linked): done already.
        if (!jobId) onApplied("succeeded");
      },
    }),
  );
  const current = previewed && previewed.key === requestKey ? previewed.preview : null;
  const failedEdit = editForField(flat, asApiError(preview.error)?.data?.field ?? Object.keys(fieldErrors(preview.error))[0] ?? null);
  const canApply = current !== null && current.ssh.ok && !current.nothingToDo;
  const opsOf = (editId: string) => (current ? current.ops.filter((o) => flat.opOwner[o.index] === editId) : []);
  const changing = current ? changingEdits(flat, current.ops) : null;
  const body = { hostId, ops: flat.ops, guestLinks: flat.guestLinks, opEdits: flat.opEdits, linkEdits: flat.linkEdits };
  const byLabel = (by: number | null, self: string) => {
    const owner = by === null ? undefined : flat.opOwner[by];
    if (owner === undefined) return "an earlier edit";
    return owner === self ? "this edit" : `“${edits.find((e) => e.id === owner)?.label ?? "an earlier edit"}”`;
  };

  return (
    <Card
      title="Pending changes"
      description={
        edits.length === 0 ? (
          "Draw on the canvas or use the palette; nothing reaches the host until you apply."
        ) : (
          <span data-testid="pending-count">
            {edits.length} edit(s), not applied yet{changing && `; ${changing.size} of them change the host`}
          </span>
        )
      }
      testId="pending-panel"
      actions={
        canEdit &&
        edits.length > 0 && (
          <Button size="sm" variant="ghost" onClick={onClear} data-testid="pending-clear">
            Clear
          </Button>
        )
      }
    >
      <div className="space-y-3">
        {edits.length > 0 && (
          <ol className="space-y-1.5">
            {edits.map((e) => (
              <li key={e.id} className="rounded border border-amber-300 bg-amber-50 px-2 py-1.5 text-sm" data-testid="pending-edit">
                <div className="flex items-start gap-2">
                  <span className="min-w-0 flex-1 break-words">{e.label}</span>
                  {canEdit && (
                    <button
                      type="button"
                      className="shrink-0 text-xs text-slate-500 hover:text-red-700"
                      onClick={() => onRemove(e.id)}
                      data-testid="pending-remove"
                      aria-label={`Remove: ${e.label}`}
                    >
                      remove
                    </button>
                  )}
                </div>
                {opsOf(e.id).map((o) => (
                  <div
                    key={o.index}
                    className="mt-0.5 flex items-baseline gap-1.5 text-xs text-slate-600"
                    data-testid="pending-op"
                    data-status={o.status}
                  >
                    <Badge
                      tone={o.status === "change" ? "blue" : "gray"}
                      title={o.status === "covered" ? `Done by ${byLabel(o.by, e.id)}` : undefined}
                    >
                      {o.status === "change" ? "change" : o.status === "covered" ? "with earlier op" : "already so"}
                    </Badge>
                    {o.summary}
                  </div>
                ))}
                {failedEdit === e.id && preview.error && (
                  <div className="mt-0.5 text-xs text-red-700" role="alert" data-testid="pending-edit-error">
                    {errorMessage(preview.error)}
                  </div>
                )}
              </li>
            ))}
          </ol>
        )}
        {preview.error && failedEdit === null && (
          <Notice tone="error" title="The change could not be planned" testId="preview-error">
            {errorMessage(preview.error)}
          </Notice>
        )}
        {canEdit && edits.length > 0 && (
          <div className="flex gap-2">
            <Button
              variant={current ? "secondary" : "primary"}
              pending={preview.isPending}
              onClick={() => {
                run.reset();
                preview.mutate(body);
              }}
              data-testid="pending-preview"
            >
              {current ? "Preview again" : "Preview"}
            </Button>
            <Button
              variant="primary"
              disabled={!canApply}
              pending={run.isPending}
              onClick={() => run.mutate(body)}
              data-testid="pending-apply"
              title={canApply ? undefined : "Preview first"}
            >
              Apply
            </Button>
          </div>
        )}
        {current && <NetPlanView preview={current} />}
        {run.error && (
          <Notice tone="error" title="Not applied" testId="apply-error">
            {errorMessage(run.error)}
          </Notice>
        )}
        {applied?.jobId && (
          <JobInline key={applied.jobId} jobId={applied.jobId} title={applied.title} onFinished={(status) => onApplied(status)} />
        )}
        {applied && !applied.jobId && (
          <Notice tone="success" testId="applied-inventory">
            Saved: only guest definitions changed; nothing needed to run on the host.
          </Notice>
        )}
      </div>
    </Card>
  );
}
