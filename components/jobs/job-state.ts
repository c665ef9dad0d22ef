import type { JobEvent, JobStatus } from "../api-types";

// Folds a job's event stream (snapshot, then live events) into what the job view shows.

export interface StepEnd {
  outcome: "exited" | "timeout" | "cancelled" | "connection-lost" | "not-run" | "unknown";
  exitStatus: number | null;
  durationMs: number;
  error?: string | undefined;
}

export interface StepState {
  index: number;
  argv: string[];
  purpose: string;
  undo: boolean;
  startedAt: number;
  timeoutMs: number | null;
  /** "dropped": the marker where the stored transcript left out part of the output. */
  output: Array<{ stream: "stdout" | "stderr" | "dropped"; text: string }>;
  end: StepEnd | null;
}

export type TimelineItem = { kind: "step"; index: number } | { kind: "note"; text: string; at: number };

export interface JobState {
  status: JobStatus | null;
  error: string | null;
  /** Domain error code of the failure (e.g. HOST_KEY_MISMATCH), when the server gave one. */
  code: string | null;
  failedStep: number | null;
  steps: Record<number, StepState>;
  timeline: TimelineItem[];
}

export const EMPTY_JOB_STATE: JobState = { status: null, error: null, code: null, failedStep: null, steps: {}, timeline: [] };

/** Characters of one step's output a page keeps: a live step may print gigabytes. */
export const SHOWN_OUTPUT_CHARS = 1_000_000;

// Trimmed only once well over the bound, so a long run of small chunks is not re-cut each time.
function boundedOutput(output: StepState["output"]): StepState["output"] {
  let total = output.reduce((n, c) => n + c.text.length, 0);
  if (total <= SHOWN_OUTPUT_CHARS * 1.25) return output;
  const lead = output[0]?.stream === "dropped" ? output[0] : null;
  let gone = lead === null ? 0 : Number(/\d+/.exec(lead.text)?.[0] ?? 0);
  const rest = lead === null ? [...output] : output.slice(1);
  total -= lead?.text.length ?? 0;
  while (total > SHOWN_OUTPUT_CHARS && rest.length > 0) {
    const first = rest[0] as StepState["output"][number];
    const excess = total - SHOWN_OUTPUT_CHARS;
    if (first.text.length <= excess) {
      rest.shift();
      total -= first.text.length;
      if (first.stream !== "dropped") gone += first.text.length;
    } else {
      rest[0] = { stream: first.stream, text: first.text.slice(excess) };
      total -= excess;
      gone += excess;
    }
  }
  return [{ stream: "dropped", text: `… ${gone} earlier characters of output not shown on this page …\n` }, ...rest];
}

function applyOne(state: JobState, e: JobEvent): JobState {
  switch (e.type) {
    case "step-start":
      return {
        ...state,
        steps: {
          ...state.steps,
          [e.index]: {
            index: e.index,
            argv: e.argv,
            purpose: e.purpose,
            undo: e.undo,
            startedAt: e.at,
            timeoutMs: e.timeoutMs ?? null,
            output: [],
            end: null,
          },
        },
        timeline: [...state.timeline, { kind: "step", index: e.index }],
      };
    case "output": {
      const step = state.steps[e.index];
      if (!step) return state;
      const last = step.output[step.output.length - 1];
      const output =
        last && last.stream === e.stream
          ? [...step.output.slice(0, -1), { stream: e.stream, text: last.text + e.text }]
          : [...step.output, { stream: e.stream, text: e.text }];
      return { ...state, steps: { ...state.steps, [e.index]: { ...step, output: boundedOutput(output) } } };
    }
    case "output-dropped": {
      const step = state.steps[e.index];
      if (!step) return state;
      const text = `\n… ${e.bytes} bytes of output not kept in the job's transcript (they were shown live) …\n`;
      return { ...state, steps: { ...state.steps, [e.index]: { ...step, output: [...step.output, { stream: "dropped", text }] } } };
    }
    case "step-end": {
      const step = state.steps[e.index];
      if (!step) return state;
      const end: StepEnd = { outcome: e.outcome, exitStatus: e.exitStatus, durationMs: e.durationMs, error: e.error };
      return { ...state, steps: { ...state.steps, [e.index]: { ...step, end } } };
    }
    case "note":
      return { ...state, timeline: [...state.timeline, { kind: "note", text: e.text, at: e.at }] };
    case "status":
      return {
        ...state,
        status: e.status,
        error: e.error ?? state.error,
        code: e.code ?? state.code,
        failedStep: e.failedStep ?? state.failedStep,
      };
  }
}

const FINISHED: ReadonlySet<JobStatus> = new Set(["succeeded", "failed", "unknown", "cancelled"]);

/**
 * A finished job has no running step: a step with no end of its own in the transcript
 * (one written before the runner closed open steps, or cut short) shows how the job ended.
 */
function closeOpenSteps(state: JobState): JobState {
  if (state.status === null || !FINISHED.has(state.status)) return state;
  const open = Object.values(state.steps).filter((s) => s.end === null);
  if (open.length === 0) return state;
  const outcome = state.status === "cancelled" ? "cancelled" : "unknown";
  const steps = { ...state.steps };
  for (const s of open)
    steps[s.index] = { ...s, end: { outcome, exitStatus: null, durationMs: 0, error: "the job ended before this step's result was read" } };
  return { ...state, steps };
}

export function applyJobEvents(state: JobState, events: readonly JobEvent[], status: JobStatus | null): JobState {
  const next = events.reduce(applyOne, state);
  return closeOpenSteps(status && next.status !== status ? { ...next, status } : next);
}
