import { on } from "node:events";
import { z } from "zod";
import { ZRecordId } from "../../names";
import type { JobBusMessage } from "../../jobs/job-bus";
import { isFinished, parseTranscript, ZJobStatus, type JobEvent, type JobStatus } from "../../jobs/job-events";
import { ZOperation } from "../../services/operations";
import { applyOperation, cancelJob, getJob, listJobs, previewOperation, startProbe } from "../../services/job-service";
import { serviceDeps } from "../service-deps";
import { actorOf, adminProcedure, operatorProcedure, router, viewerProcedure, withSessionEnd } from "../trpc";


const ZOpInput = z.object({ hostId: ZRecordId, op: ZOperation });

export const jobsRouter = router({
  list: viewerProcedure
    .input(z.object({ hostId: ZRecordId.optional(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(({ ctx, input }) => listJobs(ctx.db, input)),
  get: viewerProcedure.input(z.object({ jobId: ZRecordId })).query(({ ctx, input }) => getJob(ctx.db, input)),
  // The scratch-directory test change: an admin tool, not lab work.
  preview: adminProcedure.input(ZOpInput).query(({ ctx, input }) => previewOperation(ctx.db, input)),
  run: adminProcedure.input(ZOpInput).mutation(({ ctx, input }) => applyOperation(serviceDeps(ctx), input)),
  probe: operatorProcedure.input(z.object({ hostId: ZRecordId })).mutation(({ ctx, input }) => startProbe(serviceDeps(ctx), input)),
  cancel: operatorProcedure.input(z.object({ jobId: ZRecordId })).mutation(({ ctx, input }) => cancelJob(serviceDeps(ctx), input)),

  /** The job's events so far, then live ones until it ends. */
  watch: viewerProcedure.input(z.object({ jobId: ZRecordId })).subscription(async function* ({ ctx, input, signal }) {
    // Listen first, then take the snapshot: events published in between carry a seq below
    // the snapshot's length and are skipped, so nothing is lost and nothing is doubled.
    const live = on(ctx.rt.jobs.bus, `job:${input.jobId}`, { signal: withSessionEnd(signal, ctx.sessionEnded) }) as AsyncIterableIterator<[JobBusMessage]>;
    const inMemory = ctx.rt.jobs.liveEvents(input.jobId);
    let snapshot: JobEvent[];
    let status: JobStatus;
    if (inMemory) {
      snapshot = [...inMemory];
      const lastStatus = snapshot.findLast((e) => e.type === "status");
      status = lastStatus?.type === "status" ? lastStatus.status : "queued";
    } else {
      const job = await ctx.db.job.findUniqueOrThrow({ where: { id: input.jobId } });
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
  }),
});
