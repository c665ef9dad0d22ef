"use client";

import { shellLine } from "../jobs/shell-line";
import { Badge } from "../ui/badge";
import { CodeBlock } from "../ui/code-block";
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
          <ol className="divide-y divide-slate-100 rounded border border-slate-200 bg-white">
            {preview.steps.map((step, i) => (
              <li key={i} className="px-3 py-1.5" data-testid="plan-step">
                <div className="flex items-baseline gap-2 text-xs">
                  <span className="w-5 text-right font-mono text-slate-500">{i + 1}.</span>
                  <span className="text-slate-800">{step.purpose}</span>
                </div>
                <div className="mt-0.5 ml-7 font-mono text-xs break-all text-slate-900" data-testid="plan-step-argv">
                  <span className="text-slate-400 select-none">$ </span>
                  {shellLine(step.argv)}
                </div>
                {step.undo && (
                  <div className="mt-0.5 ml-7 flex items-baseline gap-2 font-mono text-xs break-all text-slate-600">
                    <Badge tone="violet">undo</Badge>
                    {shellLine(step.undo)}
                  </div>
                )}
              </li>
            ))}
          </ol>
          <div>
            <div className="mb-1 text-xs font-medium text-slate-600">As a shell script</div>
            <CodeBlock code={preview.script} testId="plan-script" copyTestId="copy-script" />
          </div>
        </>
      )}
    </div>
  );
}
