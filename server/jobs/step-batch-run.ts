import type { ExecOptions, ExecResult } from "../ssh/types";
import type { StepSpec } from "./step-spec";
import type { StepOutput } from "./output-cap";
import { BatchSplitter, batchArgv, newBatchNonce } from "./step-batch";

// The job runner's side of a batch (step-batch.ts): several steps in one SSH exec, each
// begun, audited and ended through the runner's own step functions, in order, as its end
// marker arrives (ends that arrive together share one audit commit). What must not break:
// no result is published before its audit row is written; once a row could not be
// written, no later result is published either, but every later command's row is still
// attempted and the error is thrown only after the whole batch has been read; a command
// whose end was never read is ended with the exec's outcome (timeout, cancelled,
// connection lost) and an exit status of null, never as success.

const DEFAULT_TIMEOUT_MS = 120_000;

export interface BegunStep {
  step: StepSpec;
  index: number;
  started: number;
  timeoutMs: number;
  output: StepOutput;
}

export interface BatchHooks {
  steps: readonly StepSpec[];
  signal: AbortSignal;
  beginStep(step: StepSpec, at?: number): BegunStep;
  /** Writes the audit rows of steps that ended (one commit), before any of them is ended. */
  recordSteps(done: readonly { step: StepSpec; result: ExecResult }[]): Promise<void>;
  /** Publishes a recorded step's end. */
  endStep(b: BegunStep, result: ExecResult): void;
  notRun(b: BegunStep, err: unknown): Promise<never>;
  note(text: string): void;
  exec(argv: string[], opts: ExecOptions): Promise<ExecResult>;
}

interface Ended {
  index: number;
  began: number;
  result: ExecResult;
}

export async function runBatch(h: BatchHooks): Promise<ExecResult[]> {
  const { steps } = h;
  for (const s of steps) {
    if (s.qmp || s.stdin !== undefined) throw new Error(`step "${s.purpose}" cannot run in a batch`);
  }
  if (steps.length > 1) h.note(`the next ${steps.length} steps run in one SSH session; each is audited as its own command`);
  const nonce = newBatchNonce();
  const argv = batchArgv(
    nonce,
    steps.map((s) => s.argv),
  );
  const results: ExecResult[] = [];
  // The step published as running; ends that arrive together are recorded in one commit,
  // then published in order, each later step started (with the time it began) right
  // before its end, so the transcript reads start, end, start, end.
  let current: BegunStep | null = h.beginStep(steps[0] as StepSpec);
  let lastAt = current.started;
  const pending: Ended[] = [];
  let chain: Promise<void> = Promise.resolve();
  let firstError: unknown = null;
  const settle = async (): Promise<void> => {
    const take = pending.splice(0);
    if (take.length === 0) return;
    const failedBefore = firstError !== null;
    await h
      .recordSteps(take.map((t) => ({ step: steps[t.index] as StepSpec, result: t.result })))
      .catch((err: unknown) => void (firstError ??= err));
    // A row that could not be written keeps its result (and every later one) unpublished.
    if (failedBefore || firstError !== null) return;
    for (const t of take) {
      const b = current ?? h.beginStep(steps[t.index] as StepSpec, t.began);
      current = null;
      if (t.result.stdout) b.output.push("stdout", Buffer.from(t.result.stdout));
      if (t.result.stderr) b.output.push("stderr", Buffer.from(t.result.stderr));
      h.endStep(b, t.result);
    }
    const last = take[take.length - 1] as Ended;
    const next = last.result.exitStatus === 0 ? steps[last.index + 1] : undefined;
    if (next && results.length === last.index + 1) current = h.beginStep(next, last.result.durationMs + last.began);
  };
  // Each command keeps its own time limit: its timer starts when the one before it ended,
  // and stopping the exec then ends the command as a timeout (a cancel of the job as cancelled).
  const stop = new AbortController();
  const cancel = () => stop.abort();
  if (h.signal.aborted) stop.abort();
  h.signal.addEventListener("abort", cancel);
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (step: StepSpec | undefined) => {
    clearTimeout(timer);
    if (step) timer = setTimeout(() => ((timedOut = true), stop.abort()), step.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  };
  const splitter = new BatchSplitter(nonce, (end) => {
    const result: ExecResult = {
      outcome: "exited",
      exitStatus: end.exitStatus,
      exitSignal: null,
      stdout: end.stdout,
      stderr: end.stderr,
      durationMs: Math.max(0, end.at - lastAt),
    };
    pending.push({ index: end.index, began: lastAt, result });
    lastAt = end.at;
    results.push(result);
    arm(end.exitStatus === 0 ? steps[end.index + 1] : undefined);
    chain = chain.then(settle);
  });
  let overall: ExecResult;
  arm(steps[0]);
  try {
    overall = await h.exec(argv, {
      timeoutMs: steps.reduce((sum, s) => sum + (s.timeoutMs ?? DEFAULT_TIMEOUT_MS), 0),
      signal: stop.signal,
      onStdout: (c) => splitter.stdout(c),
      onStderr: (c) => splitter.stderr(c),
    });
  } catch (err) {
    await chain;
    const prev = results[results.length - 1];
    const b =
      current ??
      (results.length < steps.length && (prev === undefined || prev.exitStatus === 0) && firstError === null
        ? h.beginStep(steps[results.length] as StepSpec, lastAt)
        : null);
    if (b !== null) await h.notRun(b, err);
    throw err;
  } finally {
    clearTimeout(timer);
    h.signal.removeEventListener("abort", cancel);
  }
  await chain;
  // Ended without its marker: the batch was stopped (timeout, cancel) or the connection
  // dropped while this command ran, or the script itself died; what it did is not known.
  const last = results[results.length - 1];
  if (results.length < steps.length && (last === undefined || last.exitStatus === 0)) {
    const rest = splitter.unfinished();
    const result: ExecResult = {
      outcome: timedOut && overall.outcome === "cancelled" ? "timeout" : overall.outcome === "exited" ? "connection-lost" : overall.outcome,
      exitStatus: null,
      exitSignal: overall.exitSignal,
      stdout: rest.stdout,
      stderr: rest.stderr,
      durationMs: Math.max(0, Date.now() - lastAt),
    };
    pending.push({ index: results.length, began: lastAt, result });
    results.push(result);
    await settle();
  }
  if (firstError !== null) throw firstError;
  return results;
}
