import { on } from "node:events";
import type { Db } from "../db";
import type { JobBusMessage } from "../jobs/job-bus";
import { isFinished, parseTranscript, ZJobStatus, type JobEvent, type JobStatus } from "../jobs/job-events";
import type { JobRunner } from "../jobs/job-runner";

// A job's events for a watcher: those so far, then live ones from the runner's bus until
// the job ends (or the signal aborts: the watcher left or its session ended).

export async function* watchJob(deps: { db: Db; jobs: JobRunner; signal: AbortSignal | undefined }, jobId: string) {
  // Listen first, then take the snapshot: events published in between carry a seq below
  // the snapshot's length and are skipped, so nothing is lost and nothing is doubled.
  const live = on(deps.jobs.bus, `job:${jobId}`, { signal: deps.signal }) as AsyncIterableIterator<[JobBusMessage]>;
  const inMemory = deps.jobs.liveEvents(jobId);
  let snapshot: JobEvent[];
  let status: JobStatus;
  if (inMemory) {
    snapshot = [...inMemory];
    const lastStatus = snapshot.findLast((e) => e.type === "status");
    status = lastStatus?.type === "status" ? lastStatus.status : "queued";
  } else {
    const job = await deps.db.job.findUniqueOrThrow({ where: { id: jobId } });
    snapshot = parseTranscript(job.transcript);
    status = ZJobStatus.parse(job.status);
  }
  yield { events: snapshot, status };
  if (isFinished(status)) return;
  for await (const [msg] of live) {
    if (msg.seq < snapshot.length) continue;
    const event = msg.event;
    yield { events: [event], status: event.type === "status" ? event.status : null };
    if (event.type === "status" && isFinished(event.status)) return;
  }
}
