import { Badge } from "../ui/badge";
import { CodeBlock } from "../ui/code-block";
import { shellLine } from "@/lib/shell-words";

// Every command of a plan in order, each with its purpose and undo, then the same plan as a
// copyable script: one rendering for every preview (host operations, network, storage),
// so a plan reads the same wherever it is shown.

export interface PlanStepView {
  argv: string[];
  purpose: string;
  undo?: string[] | null | undefined;
}

export function PlanSteps({ steps, script, compact = false }: { steps: readonly PlanStepView[]; script: string; compact?: boolean }) {
  const pad = compact ? "py-1.5" : "py-2";
  const gap = compact ? "mt-0.5" : "mt-1";
  return (
    <>
      <ol className="divide-y divide-slate-100 rounded border border-slate-200 bg-white">
        {steps.map((step, i) => (
          <li key={i} className={`px-3 ${pad}`} data-testid="plan-step">
            <div className={`flex items-baseline gap-2 ${compact ? "text-xs" : ""}`}>
              <span className="w-5 text-right font-mono text-xs text-slate-500">{i + 1}.</span>
              <span className="text-slate-800">{step.purpose}</span>
            </div>
            <div className={`${gap} ml-7 font-mono text-xs break-all text-slate-900`} data-testid="plan-step-argv">
              <span className="text-slate-400 select-none">$ </span>
              {shellLine(step.argv)}
            </div>
            {step.undo && (
              <div className={`${gap} ml-7 flex items-baseline gap-2 font-mono text-xs break-all text-slate-600`}>
                <Badge tone="violet">undo</Badge>
                {shellLine(step.undo)}
              </div>
            )}
          </li>
        ))}
      </ol>
      <div>
        <div className="mb-1 text-xs font-medium text-slate-600">As a shell script (runs the same argv in the same order)</div>
        <CodeBlock code={script} testId="plan-script" copyTestId="copy-script" />
      </div>
    </>
  );
}
