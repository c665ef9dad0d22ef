import type { Db } from "../db";
import type { JobRunner } from "../jobs/job-runner";
import type { TPlanStep } from "../jobs/plan";
import { parseTranscript, type JobEvent } from "../jobs/job-events";
import { until } from "./waits";

// Jobs for the fault tests: a plan job queued the way services queue one, and its end read
// back from the database (not from the runner's memory), which is what a page sees after a
// reload and what must be right after a fault.

export interface JobDeps {
  db: Db;
  jobs: JobRunner;
}

export async function queuePlan(deps: JobDeps, hostId: string, title: string, steps: TPlanStep[]): Promise<string> {
  const job = await deps.db.job.create({
    data: { hostId, kind: "plan", title, planJson: JSON.stringify({ title, steps }), status: "queued", createdBy: "tester" },
  });
  deps.jobs.enqueue(job.id);
  return job.id;
}

/** The job's row once its status is final; `ms` is a generous bound, never a measurement. */
export async function finishedJob(deps: JobDeps, jobId: string, ms = 60_000) {
  return until(
    `job ${jobId} to finish`,
    async () => {
      const job = await deps.db.job.findUniqueOrThrow({ where: { id: jobId } });
      return ["queued", "running"].includes(job.status) ? undefined : job;
    },
    ms,
    100,
  );
}

export function stepEnds(transcript: string): Extract<JobEvent, { type: "step-end" }>[] {
  return parseTranscript(transcript).filter((e): e is Extract<JobEvent, { type: "step-end" }> => e.type === "step-end");
}

export async function auditRows(db: Db, jobId: string) {
  const rows = await db.auditEvent.findMany({ where: { jobId }, orderBy: [{ at: "asc" }, { id: "asc" }] });
  return rows.map((r) => ({ argv: JSON.parse(r.argvJson ?? "[]") as string[], outcome: r.outcome, exitStatus: r.exitStatus }));
}
