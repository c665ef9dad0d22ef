import { z } from "zod";
import { ZRecordId } from "../../names";
import { ZOperation } from "../../services/operations";
import { watchJob } from "../../services/job-watch";
import { applyOperation, cancelJob, getJob, listJobs, previewOperation, startProbe } from "../../services/job-service";
import { serviceDeps } from "../service-deps";
import { adminProcedure, operatorProcedure, router, viewerProcedure, withSessionEnd } from "../trpc";

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
  watch: viewerProcedure
    .input(z.object({ jobId: ZRecordId }))
    .subscription(({ ctx, input, signal }) =>
      watchJob({ db: ctx.db, jobs: ctx.rt.jobs, signal: withSessionEnd(signal, ctx.sessionEnded) }, input.jobId),
    ),
});
