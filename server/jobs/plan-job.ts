import { ZPlan, type TPlanStep } from "./plan";
import { JobEnd, type JobContext, type JobHandler } from "./job-runner";
import type { ExecResult } from "../ssh/types";

// Runs a plan's steps in order. On a failure or a cancel, the undo steps of the steps that
// completed run in reverse so no half-made change is left behind. After a lost connection
// nothing is undone: the state of the host is unknown and must be read, not guessed.

function describe(step: TPlanStep, index: number, res: ExecResult): string {
  const why =
    res.outcome === "timeout"
      ? "timed out"
      : res.outcome === "cancelled"
        ? "was cancelled"
        : `exited with status ${res.exitStatus ?? "?"}${res.exitSignal ? ` (signal ${res.exitSignal})` : ""}`;
  const stderr = res.stderr.trim();
  return `step ${index + 1} (${step.purpose}) ${why}${stderr ? `: ${stderr.slice(-500)}` : ""}`;
}

async function undoCompleted(ctx: JobContext, done: readonly TPlanStep[]): Promise<void> {
  const undoable = done.filter((s) => s.undo).reverse();
  if (undoable.length === 0) return;
  ctx.note(`undoing ${undoable.length} completed step(s)`);
  for (const step of undoable) {
    if (!step.undo) continue;
    const res = await ctx.runStep({ argv: step.undo, purpose: `undo: ${step.purpose}`, undo: true, ignoreCancel: true });
    if (res.outcome === "connection-lost")
      throw new JobEnd("unknown", `connection lost while undoing "${step.purpose}"; the host's state is unknown`);
    if (res.outcome !== "exited" || res.exitStatus !== 0)
      ctx.note(`undo of "${step.purpose}" failed (status ${res.exitStatus ?? "?"}): ${res.stderr.trim()}`);
  }
}

/** A step that may share an exec: marked so, and nothing about it needs a result of its own kind. */
const batchable = (s: TPlanStep): boolean =>
  s.batch === true && !s.qmp && s.stdin === undefined && !s.bestEffort && (s.okExitStatuses ?? []).length === 0;

const spec = (step: TPlanStep) => ({ argv: step.argv, qmp: step.qmp, purpose: step.purpose, timeoutMs: step.timeoutMs, stdin: step.stdin });

export const planHandler: JobHandler = async (ctx, payload) => {
  await runPlan(ctx, payload);
};

/**
 * Runs the plan; returns each plan step's result by step index (a handler that needs a
 * step's output, e.g. the start job, reads it here). Batched or not, a step's result is
 * its own command's.
 */
export async function runPlan(ctx: JobContext, payload: unknown): Promise<ExecResult[]> {
  const plan = ZPlan.parse(payload);
  const done: TPlanStep[] = [];
  const byStep: ExecResult[] = [];
  let i = 0;
  while (i < plan.steps.length) {
    if (ctx.signal.aborted) {
      await undoCompleted(ctx, done);
      throw new JobEnd("cancelled", `cancelled before step ${i + 1}`);
    }
    // Consecutive batch steps run in one exec; their results are judged one by one below,
    // exactly as if each had run alone (the batch stops on the host after a failure).
    let group = 1;
    while (
      ctx.runSteps &&
      batchable(plan.steps[i] as TPlanStep) &&
      i + group < plan.steps.length &&
      batchable(plan.steps[i + group] as TPlanStep)
    )
      group++;
    let results: ExecResult[];
    try {
      results =
        group > 1 && ctx.runSteps
          ? await ctx.runSteps(plan.steps.slice(i, i + group).map(spec))
          : [await ctx.runStep(spec(plan.steps[i] as TPlanStep))];
    } catch (err) {
      await undoCompleted(ctx, done);
      throw err;
    }
    for (const res of results) {
      byStep[i] = res;
      await judge(ctx, plan.steps[i] as TPlanStep, i, res, done);
      i++;
    }
    if (results.length < group)
      throw new JobEnd(
        "unknown",
        `the session running steps ${i + 1}–${i + group - results.length} ended before their results were read`,
        i,
      );
  }
  return byStep;
}

/** What one step's result means for the plan: go on, or undo what was done and end the job. */
async function judge(ctx: JobContext, step: TPlanStep, i: number, res: ExecResult, done: TPlanStep[]): Promise<void> {
  if (res.outcome === "connection-lost") {
    throw new JobEnd("unknown", `connection lost during step ${i + 1} (${step.purpose}); its outcome is unknown`, i);
  }
  if (res.outcome === "cancelled") {
    await undoCompleted(ctx, done);
    throw new JobEnd("cancelled", describe(step, i, res), i);
  }
  const ok =
    res.outcome === "exited" && (res.exitStatus === 0 || (res.exitStatus !== null && (step.okExitStatuses ?? []).includes(res.exitStatus)));
  if (!ok && step.bestEffort) {
    ctx.note(`${describe(step, i, res)}; going on`);
    return;
  }
  if (!ok) {
    await undoCompleted(ctx, done);
    throw new JobEnd("failed", describe(step, i, res), i);
  }
  done.push(step);
}
