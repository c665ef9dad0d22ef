"use client";

import type { DefinitionPreview } from "../api-types";
import { PlanPreview } from "../jobs/plan-preview";
import { Badge } from "../ui/badge";
import { Loading, Notice } from "../ui/states";

/** The start plan of the definition being edited, from previewDefinition. */
export function WizardPreview({ data, pending, error }: { data: DefinitionPreview | undefined; pending: boolean; error: string | null }) {
  if (pending) return <Loading label="Building the start plan (reads the host)…" />;
  if (error)
    return (
      <Notice tone="error" title="The start plan could not be built" testId="wizard-preview-error">
        {error}
      </Notice>
    );
  if (!data) return null;
  return (
    <div className="space-y-2 rounded border border-blue-200 bg-blue-50/40 p-3" data-testid="wizard-preview">
      <div className="flex flex-wrap items-center gap-2 text-xs text-slate-700">
        <span>Accelerator on this host:</span>
        <Badge tone={data.accel === "kvm" ? "green" : "blue"} testId="wizard-accel">
          {data.accel}
        </Badge>
        <span className="ml-2">Roots:</span>
        {data.roots.map((r) => (
          <code key={r} className="rounded bg-white px-1 font-mono ring-1 ring-slate-200">
            {r}
          </code>
        ))}
      </div>
      <p className="text-xs text-slate-600">
        Nothing runs now: this is what Start will run once the guest is saved. MACs left blank were generated for this plan and filled in
        above; saving keeps them.
      </p>
      <PlanPreview preview={data} />
    </div>
  );
}
