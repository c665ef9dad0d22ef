import type { Db } from "../db";
import { auditEvent, type Actor } from "../audit/audit-writer";
import { LabdeckError } from "../errors";
import { PROBE_STEPS } from "../hosts/probe/commands";
import { isFinished, parseTranscript, type JobStatus } from "../jobs/job-events";
import type { JobRunner } from "../jobs/job-runner";
import { planToShellScript } from "../jobs/plan-script";
import type { TPlan } from "../jobs/plan";
import { planForOperation, type TOperation } from "./operations";
import { hostLabel, requireConfirmedHostKey } from "./host-identity";
import { startJob } from "./job-create";

// Use-cases around jobs: preview a change, apply it as a job, probe, cancel, read.
// Nothing here talks SSH: the runner does, under its per-host lock.

export interface JobDeps {
  db: Db;
  jobs: JobRunner;
  actor: Actor;
}

async function pinnedHost(db: Db, hostId: string) {
  const host = await db.host.findUniqueOrThrow({ where: { id: hostId } });
  requireConfirmedHostKey(host, { hint: true });
  return host;
}

export async function previewOperation(db: Db, input: { hostId: string; op: TOperation }) {
  const host = await db.host.findUniqueOrThrow({ where: { id: input.hostId } });
  const plan = planForOperation(input.op, host);
  return { plan, script: planToShellScript(plan, hostLabel(host)) };
}

function createJob(deps: JobDeps, hostId: string, kind: string, plan: TPlan) {
  return startJob(deps, { hostId, kind, title: plan.title, plan });
}

export async function applyOperation(deps: JobDeps, input: { hostId: string; op: TOperation }) {
  const host = await pinnedHost(deps.db, input.hostId);
  const plan = planForOperation(input.op, host);
  return createJob(deps, host.id, "plan", plan);
}

export async function startProbe(deps: JobDeps, input: { hostId: string }) {
  const host = await pinnedHost(deps.db, input.hostId);
  const plan: TPlan = { title: `Probe ${host.name}`, steps: PROBE_STEPS.map((s) => ({ argv: [...s.argv], purpose: s.purpose })) };
  return createJob(deps, host.id, "probe", plan);
}

export async function cancelJob(deps: JobDeps, input: { jobId: string }) {
  const job = await deps.db.job.findUniqueOrThrow({ where: { id: input.jobId }, include: { host: true } });
  if (isFinished(job.status as JobStatus)) throw new LabdeckError("CONFLICT", `job already ${job.status}`);
  const cancelled = deps.jobs.cancel(job.id);
  if (!cancelled) throw new LabdeckError("CONFLICT", "this job is not running in this Labdeck process");
  await auditEvent(deps.db, deps.actor, {
    kind: "inventory",
    action: "job.cancel",
    hostId: job.hostId,
    hostName: job.host.name,
    details: { jobId: job.id, title: job.title },
  });
  return { ok: true as const };
}

function toJobView(job: {
  id: string;
  hostId: string;
  kind: string;
  title: string;
  status: string;
  createdBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  failedStep: number | null;
  error: string | null;
  planJson: string;
  host: { name: string };
}) {
  return {
    id: job.id,
    hostId: job.hostId,
    hostName: job.host.name,
    kind: job.kind,
    title: job.title,
    status: job.status as JobStatus,
    createdBy: job.createdBy,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    failedStep: job.failedStep,
    error: job.error,
    plan: JSON.parse(job.planJson) as TPlan,
  };
}
export type JobView = ReturnType<typeof toJobView>;

export async function listJobs(db: Db, input: { hostId?: string | undefined; limit: number }) {
  const jobs = await db.job.findMany({
    where: input.hostId ? { hostId: input.hostId } : {},
    orderBy: { createdAt: "desc" },
    take: input.limit,
    include: { host: { select: { name: true } } },
  });
  return jobs.map(toJobView);
}

export async function getJob(db: Db, input: { jobId: string }) {
  const job = await db.job.findUniqueOrThrow({ where: { id: input.jobId }, include: { host: { select: { name: true } } } });
  return { ...toJobView(job), events: parseTranscript(job.transcript) };
}
