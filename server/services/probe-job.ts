import { db } from "../db";
import { JobEnd, type JobContext, type JobHandler, type StepSpec } from "../jobs/job-runner";
import { batchArgv, newMarker, splitBatch, type BatchCommand } from "../hosts/probe/batch";
import { STEP_OUTPUT_BYTES, type ProbeStep } from "../hosts/probe/commands";
import { probeHost } from "../hosts/probe/probe";

// The probe is a read job: its commands go through the runner (streamed, audited) like a
// plan's, and its result is stored on the host with the time it was taken. Each phase of
// independent reads runs as one batch (hosts/probe/batch.ts): one round trip, each command
// still its own step and audit row. The batch's time limit is the longest of its steps plus
// a margin per further step, since they run one after another.

const BATCH_MARGIN_PER_STEP_MS = 5_000;

const spec = (step: ProbeStep): StepSpec => ({
  argv: step.argv,
  purpose: step.purpose,
  timeoutMs: step.timeoutMs,
  optional: step.optional,
});

export function batchTimeoutMs(steps: readonly ProbeStep[]): number {
  const longest = Math.max(...steps.map((s) => s.timeoutMs ?? 0));
  return longest + BATCH_MARGIN_PER_STEP_MS * (steps.length - 1);
}

function runMany(ctx: JobContext) {
  return async (steps: readonly ProbeStep[]) => {
    if (steps.length === 1 && steps[0]) return [await ctx.runStep(spec(steps[0]))];
    const marker = newMarker();
    const commands: BatchCommand[] = steps.map((s) => ({ argv: s.argv, maxBytes: s.maxBytes ?? STEP_OUTPUT_BYTES }));
    // Said in the transcript: what ran on the host was one `sh -c` with these as its arguments.
    ctx.note(
      `the next ${steps.length} commands run one after another in one SSH session, as arguments of the probe's fixed batch script (sh -c)`,
    );
    return ctx.runBatch({
      argv: batchArgv(marker, commands),
      timeoutMs: batchTimeoutMs(steps),
      parts: steps.map(spec),
      split: (r) => splitBatch(r, marker, commands),
    });
  };
}

export const probeJobHandler: JobHandler = async (ctx) => {
  const capabilities = await probeHost((step) => ctx.runStep(spec(step)), runMany(ctx));
  if (ctx.signal.aborted) throw new JobEnd("cancelled", "probe cancelled");
  await db.host.update({ where: { id: ctx.hostId }, data: { probeJson: JSON.stringify(capabilities), probedAt: new Date() } });
  ctx.note("capabilities saved");
};
