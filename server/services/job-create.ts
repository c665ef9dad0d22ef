import type { Db } from "../db";
import type { Actor } from "../audit/audit-writer";
import type { JobRunner } from "../jobs/job-runner";

// The one way a use case makes a job: a queued row naming its host, kind, title, the plan
// (with whatever its handler reads beside the steps) and who asked; then the runner is told.

export interface NewJob {
  hostId: string;
  kind: string;
  title: string;
  /** Stored as planJson: the plan and, for some kinds, what the handler needs beside it. */
  plan: unknown;
}

/** Writes the queued job row only (for a use case that links or audits it before it may start). */
export async function recordJob(deps: { db: Db; actor: Actor }, job: NewJob): Promise<{ id: string }> {
  return deps.db.job.create({
    data: {
      hostId: job.hostId,
      kind: job.kind,
      title: job.title,
      planJson: JSON.stringify(job.plan),
      status: "queued",
      createdBy: deps.actor.username,
      createdById: deps.actor.userId,
    },
  });
}

/** Writes the queued job row and hands it to the runner. */
export async function startJob(deps: { db: Db; actor: Actor; jobs: Pick<JobRunner, "enqueue"> }, job: NewJob): Promise<{ jobId: string }> {
  const { id } = await recordJob(deps, job);
  deps.jobs.enqueue(id);
  return { jobId: id };
}
