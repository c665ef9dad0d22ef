import { db } from "../db";
import { JobEnd, type JobHandler } from "../jobs/job-runner";
import { probeHost } from "../hosts/probe/probe";

// The probe is a read job: its commands go through the runner (streamed, audited) like a
// plan's, and its result is stored on the host with the time it was taken.

export const probeJobHandler: JobHandler = async (ctx) => {
  const capabilities = await probeHost((step) => ctx.runStep({ argv: step.argv, purpose: step.purpose, timeoutMs: step.timeoutMs, optional: step.optional }));
  if (ctx.signal.aborted) throw new JobEnd("cancelled", "probe cancelled");
  await db.host.update({ where: { id: ctx.hostId }, data: { probeJson: JSON.stringify(capabilities), probedAt: new Date() } });
  ctx.note("capabilities saved");
};
