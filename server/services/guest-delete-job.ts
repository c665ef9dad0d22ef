import { z } from "zod";
import { db } from "../db";
import { auditEvent } from "../audit/audit-writer";
import { planHandler } from "../jobs/plan-job";
import type { JobHandler } from "../jobs/job-runner";
import type { GuestStates } from "./guest-state";

// Deleting a guest: its files go first (a plan like any other); the inventory row goes
// only when every step succeeded, so a failed delete leaves the guest listed and visible.

const ZPayload = z.object({ guestId: z.string() });

/** The handler; `states` is the runtime's cache of read states, which must forget the guest. */
export const guestDeleteJobHandler =
  (states: GuestStates): JobHandler =>
  async (ctx, payload) => {
    const { guestId } = ZPayload.parse(payload);
    await planHandler(ctx, payload);
    const job = await db.job.findUniqueOrThrow({ where: { id: ctx.jobId }, include: { host: true } });
    const guest = await db.guest.delete({ where: { id: guestId } });
    states.forget(guestId);
    await auditEvent(
      db,
      { userId: job.createdById, username: job.createdBy },
      {
        kind: "inventory",
        action: "guest.delete",
        hostId: job.hostId,
        hostName: job.host.name,
        details: { guest: guest.name, jobId: job.id },
      },
    );
    ctx.note(`guest ${guest.name} removed from the inventory`);
  };
