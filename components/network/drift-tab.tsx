"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { JobInline } from "../jobs/job-inline";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Empty, Notice } from "../ui/states";
import { RelativeTime } from "../ui/time";
import { NetPlanView } from "./net-plan-view";
import type { NetworkPreview, NetworkView } from "./network-types";

// Differences between the host and the topology the team recorded (by applying through
// Labdeck, or by adopting). Two ways out: adopt what is there as the new reference, or
// revert the host to the reference, through the same preview/plan/job path as any change.
// What no op can express (an unknown link kind, say) is listed for a person to handle.

const CHANGE_TONE = { added: "green", removed: "red", changed: "amber" } as const;

type RevertPreview = NetworkPreview & { manual: { summary: string }[]; recorded?: boolean };

export function DriftTab({ view, canEdit, onChanged }: { view: NetworkView; canEdit: boolean; onChanged: () => void }) {
  const trpc = useTRPC();
  const { drift, hostId } = view;
  const [jobId, setJobId] = useState<string | null>(null);
  const adopt = useMutation(trpc.network.adopt.mutationOptions({ onSuccess: onChanged }));
  const revertPreview = useMutation(trpc.network.revertPreview.mutationOptions());
  const revert = useMutation(
    trpc.network.revert.mutationOptions({
      onSuccess: ({ jobId: id }) => {
        revertPreview.reset();
        if (id) setJobId(id);
        else onChanged();
      },
    }),
  );
  const preview: RevertPreview | undefined = revertPreview.data;

  return (
    <div className="space-y-3" data-testid="drift-tab">
      <p className="text-sm text-slate-600">
        {drift.recordedAt ? (
          <>
            Compared with the topology recorded <RelativeTime date={new Date(drift.recordedAt)} withAbsolute />
            {drift.recordedBy && <> by {drift.recordedBy}</>}. Guests&apos; own TAPs come and go with the guests and are not compared.
          </>
        ) : (
          "No topology recorded for this host yet. Adopt its network as it is to start tracking changes made outside Labdeck."
        )}
      </p>
      {drift.items.length === 0 ? (
        drift.recordedAt && <Empty>No drift: the host matches the recorded topology.</Empty>
      ) : (
        <ul className="divide-y divide-slate-100 rounded border border-slate-200 bg-white">
          {drift.items.map((item) => (
            <li
              key={`${item.kind}:${item.key}:${item.change}`}
              className="flex items-baseline gap-2 px-3 py-1.5 text-sm"
              data-testid="drift-item"
              data-change={item.change}
              data-key={item.key}
            >
              <Badge tone={CHANGE_TONE[item.change]}>{item.change}</Badge>
              <span className="font-mono text-xs">{item.key}</span>
              <span className="text-slate-700">{item.summary}</span>
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <div className="flex flex-wrap gap-2">
          <Button
            pending={adopt.isPending}
            onClick={() => adopt.mutate({ hostId })}
            data-testid="drift-adopt"
            disabled={drift.recordedAt !== null && drift.items.length === 0}
          >
            Adopt into inventory
          </Button>
          {drift.recordedAt && drift.items.length > 0 && (
            <Button
              variant="danger"
              pending={revertPreview.isPending}
              onClick={() => revertPreview.mutate({ hostId })}
              data-testid="drift-revert-preview"
            >
              Revert…
            </Button>
          )}
        </div>
      )}
      {adopt.error && <Notice tone="error">{errorMessage(adopt.error)}</Notice>}
      {revertPreview.error && (
        <Notice tone="error" title="The revert could not be planned">
          {errorMessage(revertPreview.error)}
        </Notice>
      )}
      {preview && (
        <div className="space-y-3 rounded border border-red-200 bg-red-50/40 p-3" data-testid="drift-revert-panel">
          <div className="font-medium">Revert the host to the recorded topology</div>
          {preview.manual.length > 0 && (
            <Notice tone="warning" title="Not reverted automatically: handle these by hand" testId="drift-manual">
              <ul className="list-disc pl-4">
                {preview.manual.map((m) => (
                  <li key={m.summary}>{m.summary}</li>
                ))}
              </ul>
            </Notice>
          )}
          <NetPlanView preview={preview} showOps />
          <div className="flex gap-2">
            {!preview.nothingToDo && preview.ssh.ok && (
              <Button variant="danger" pending={revert.isPending} onClick={() => revert.mutate({ hostId })} data-testid="drift-revert">
                Revert
              </Button>
            )}
            <Button onClick={() => revertPreview.reset()}>Cancel</Button>
          </div>
        </div>
      )}
      {revert.error && (
        <Notice tone="error" title="Not reverted">
          {errorMessage(revert.error)}
        </Notice>
      )}
      {jobId && <JobInline key={jobId} jobId={jobId} title="Revert to the recorded topology" onFinished={onChanged} />}
    </div>
  );
}
