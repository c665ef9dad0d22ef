import type { PlanPreview as TPlanPreview } from "../api-types";
import { PlanSteps } from "./plan-steps";

/** The commands a change will run, step by step, and the same plan as a copyable script. */
export function PlanPreview({ preview }: { preview: TPlanPreview }) {
  return (
    <div className="space-y-3" data-testid="plan-preview">
      <div className="font-medium" data-testid="plan-title">
        {preview.plan.title}
      </div>
      <PlanSteps steps={preview.plan.steps} script={preview.script} />
    </div>
  );
}
