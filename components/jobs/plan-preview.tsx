import type { PlanPreview as TPlanPreview } from "../api-types";
import { Badge } from "../ui/badge";
import { CodeBlock } from "../ui/code-block";
import { shellLine } from "./shell-line";

/** The commands a change will run, step by step, and the same plan as a copyable script. */
export function PlanPreview({ preview }: { preview: TPlanPreview }) {
  return (
    <div className="space-y-3" data-testid="plan-preview">
      <div className="font-medium" data-testid="plan-title">{preview.plan.title}</div>
      <ol className="divide-y divide-slate-100 rounded border border-slate-200 bg-white">
        {preview.plan.steps.map((step, i) => (
          <li key={i} className="px-3 py-2" data-testid="plan-step">
            <div className="flex items-baseline gap-2">
              <span className="w-5 text-right font-mono text-xs text-slate-500">{i + 1}.</span>
              <span className="text-slate-800">{step.purpose}</span>
            </div>
            <div className="mt-1 ml-7 font-mono text-xs break-all text-slate-900" data-testid="plan-step-argv">
              <span className="text-slate-400 select-none">$ </span>
              {shellLine(step.argv)}
            </div>
            {step.undo && (
              <div className="mt-1 ml-7 flex items-baseline gap-2 font-mono text-xs break-all text-slate-600">
                <Badge tone="violet">undo</Badge>
                {shellLine(step.undo)}
              </div>
            )}
          </li>
        ))}
      </ol>
      <div>
        <div className="mb-1 text-xs font-medium text-slate-600">As a shell script (runs the same argv in the same order)</div>
        <CodeBlock code={preview.script} testId="plan-script" copyTestId="copy-script" />
      </div>
    </div>
  );
}
