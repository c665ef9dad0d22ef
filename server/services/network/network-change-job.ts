import { z } from "zod";
import { db } from "../../db";
import { retryWhileBusy } from "../../db-busy";
import { JobEnd, type JobHandler } from "../../jobs/job-runner";
import { planHandler } from "../../jobs/plan-job";
import { readNetwork } from "../../network/read-network";
import { confirmRollbackArgv, parseRollbackStatus, rollbackStatusArgv } from "../../network/safety/rollback";
import { applyGuestEdits } from "./network-change";
import { rtTablesFileFor } from "./network-read";
import { localDeadline, recordNetwork, scheduleRollbackCheck, type RollbackCheckDeps } from "./network-rollback";

// The job of a network change: the plan (rollback timer first when armed), then the
// host's network read back inside the job so the canvas redraws from what the kernel
// says. A change without a timer is recorded as the team's topology at once; an armed
// one only when the user confirms it (network-rollback.ts).

const ZPayload = z.object({
  changeId: z.string(),
  // Each definition is parsed again by its guest's kind when it is saved (updateGuest).
  guestEdits: z
    .array(z.object({ guestId: z.string(), version: z.number().int(), definition: z.record(z.string(), z.unknown()) }))
    .default([]),
});

/** The handler; `rollbacks` is what the later rollback check reads the host with and the bus it tells pages on (the runtime's). */
export const networkChangeJobHandler =
  (rollbacks: RollbackCheckDeps): JobHandler =>
  async (ctx, payload) => {
    const { changeId, guestEdits } = ZPayload.parse(payload);
    const change = await db.networkChange.findUniqueOrThrow({ where: { id: changeId } });
    const job = await db.job.findUniqueOrThrow({ where: { id: ctx.jobId } });
    const actor = { userId: job.createdById, username: job.createdBy };
    try {
      await planHandler(ctx, payload);
    } catch (err) {
      const lost = err instanceof JobEnd && err.status === "unknown";
      if (change.rollbackSeconds !== null && lost) {
        // The host may have armed its timer and applied part of the change: it is neither
        // failed nor confirmed. It stays "applying" until the host is asked (refreshChange).
        rollbacks.networkBus.publish(change.hostId, "changed");
        throw err;
      }
      if (change.rollbackSeconds !== null) {
        // The plan's undo steps already put back what it did; the timer must not run them again later.
        await ctx.runStep({
          argv: confirmRollbackArgv(change.workDir),
          purpose: "disarm the rollback timer (the failed change was undone)",
          ignoreCancel: true,
        });
      }
      await retryWhileBusy(`state of network change ${changeId}`, () =>
        db.networkChange.update({ where: { id: changeId }, data: { state: "failed", decidedAt: new Date() } }),
      );
      rollbacks.networkBus.publish(change.hostId, "changed");
      throw err;
    }
    if (guestEdits.length > 0) {
      await applyGuestEdits({ db, actor }, guestEdits);
      ctx.note(`updated ${guestEdits.length} guest definition(s)`);
    }
    const host = await db.host.findUniqueOrThrow({ where: { id: change.hostId } });
    const net = await readNetwork((s) => ctx.runStep({ argv: s.argv, purpose: `read back: ${s.purpose}`, optional: s.optional }), {
      rtTablesFile: rtTablesFileFor(host),
    });
    if (change.rollbackSeconds === null) {
      await recordNetwork(db, change.hostId, net, actor.username, ctx.jobId);
      await db.networkChange.update({ where: { id: changeId }, data: { state: "applied", decidedAt: new Date() } });
    } else {
      const res = await ctx.runStep({ argv: rollbackStatusArgv(change.workDir), purpose: "read the rollback timer's deadline" });
      const status = parseRollbackStatus(res.stdout);
      // What the host's own clock says is left, placed on Labdeck's clock (the page counts down against it).
      const deadline = localDeadline(status) ?? new Date(Date.now() + change.rollbackSeconds * 1000);
      await retryWhileBusy(`state of network change ${changeId}`, () =>
        db.networkChange.update({ where: { id: changeId }, data: { state: "armed", deadline } }),
      );
      ctx.note(
        `applied with automatic rollback: confirm from the page before ${deadline.toISOString()} or the host restores the previous state by itself`,
      );
      scheduleRollbackCheck(rollbacks, changeId, deadline);
    }
    rollbacks.networkBus.publish(change.hostId, "applied");
  };
