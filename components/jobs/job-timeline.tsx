import { Notice } from "../ui/states";
import type { JobState } from "./job-state";
import { JobStep } from "./job-step";

/** Steps and notes in the order they happened, with the job's error above them. */
export function JobTimeline({ state, compact = false }: { state: JobState; compact?: boolean }) {
  const failing = state.failedStep !== null ? state.steps[state.failedStep] : undefined;
  return (
    <div className="space-y-2">
      {state.error && (state.status === "failed" || state.status === "unknown" || state.status === "cancelled") && (
        <Notice
          tone={state.status === "failed" ? "error" : "warning"}
          title={
            state.code === "HOST_KEY_MISMATCH"
              ? "Host key changed: nothing was run"
              : failing
                ? `Step ${failing.index + 1} (${failing.purpose})`
                : state.status === "unknown"
                  ? "Outcome unknown"
                  : undefined
          }
          testId="job-error"
        >
          {state.error}
        </Notice>
      )}
      {state.timeline.length === 0 && state.status !== null && !state.error && (
        <p className="text-slate-500">{state.status === "queued" ? "Waiting for other jobs on this host to finish…" : "No steps yet."}</p>
      )}
      <ol className="space-y-2">
        {state.timeline.map((item, i) => {
          if (item.kind === "note") {
            return (
              <li key={`n${i}`} className="px-3 text-xs text-slate-600 italic" data-testid="job-note">
                — {item.text}
              </li>
            );
          }
          const step = state.steps[item.index];
          return step ? <JobStep key={`s${item.index}`} step={step} failedStep={state.failedStep} compact={compact} /> : null;
        })}
      </ol>
    </div>
  );
}
