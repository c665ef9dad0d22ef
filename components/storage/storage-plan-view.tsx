"use client";

import { PlanSteps } from "../jobs/plan-steps";
import { Notice } from "../ui/states";
import type { StoragePreview } from "./storage-types";

// What a storage change will do before it runs: the planner's summary and warnings
// (data at risk, a guest using the volume, an unmount), every command in order with its
// undo, and the same commands as a copyable script.

export function StoragePlanView({ preview }: { preview: StoragePreview }) {
  return (
    <div className="space-y-3" data-testid="storage-plan">
      <p className="text-sm text-slate-800" data-testid="storage-plan-summary">
        {preview.summary}
      </p>
      {preview.warnings.map((w) => (
        <Notice key={w} tone="warning" testId="storage-plan-warning">
          {w}
        </Notice>
      ))}
      {preview.nothingToDo && (
        <Notice tone="info" testId="nothing-to-do">
          Nothing to do: the host already looks like this.
        </Notice>
      )}
      {preview.steps.length > 0 && (
        <>
          <PlanSteps steps={preview.steps} script={preview.script} compact />
        </>
      )}
    </div>
  );
}
