// Boots of guests: recorded by the start job from its boot-mark step (the serial log's inode
// and size read while the guest was still stopped) and told in-process to the console hub,
// which marks each boot at that exact byte in every viewer's terminal.
// What must not break: the boot is recorded and announced BEFORE the step after it (QEMU's
// launch) runs, so the console knows the offset before any byte of the new boot exists.
import type { Db } from "../db";
import type { JobContext, JobHandler, StepSpec } from "../jobs/job-runner";
import { logger } from "../logger";
import type { BootEvent, BootMark, BootSource } from "../console/console-boots";
import { isSerialLogBootArgv, parseSerialLogBoot } from "../hypervisors/console-log/serial-log-boot";

const log = logger.child({ module: "guest-boots" });
const LIST_LIMIT = 50;

export class GuestBoots implements BootSource {
  private readonly bootListeners = new Set<(e: BootEvent) => void>();
  private readonly startedListeners = new Set<(guestId: string) => void>();

  constructor(private readonly db: Db) {}

  async list(guestId: string): Promise<BootMark[]> {
    const rows = await this.db.guestBoot.findMany({ where: { guestId }, orderBy: { startedAt: "desc" }, take: LIST_LIMIT });
    return rows
      .reverse()
      .map((r) => ({ id: r.id, inode: r.logInode, offset: Number(r.logOffset), at: r.startedAt.toISOString(), by: r.startedBy }));
  }

  onBoot(listener: (e: BootEvent) => void): () => void {
    this.bootListeners.add(listener);
    return () => this.bootListeners.delete(listener);
  }

  onStarted(listener: (guestId: string) => void): () => void {
    this.startedListeners.add(listener);
    return () => this.startedListeners.delete(listener);
  }

  async record(o: { guestId: string; jobId: string | null; by: string; stdout: string }): Promise<BootMark | null> {
    const point = parseSerialLogBoot(o.stdout);
    if (point === null) return null;
    const row = await this.db.guestBoot.create({
      data: { guestId: o.guestId, jobId: o.jobId, startedBy: o.by, logInode: point.inode, logOffset: BigInt(point.offset) },
    });
    const mark: BootMark = { id: row.id, inode: point.inode, offset: point.offset, at: row.startedAt.toISOString(), by: o.by };
    this.emit(() => {
      for (const l of this.bootListeners) l({ guestId: o.guestId, mark, rotated: point.rotated });
    });
    return mark;
  }

  started(guestId: string): void {
    this.emit(() => {
      for (const l of this.startedListeners) l(guestId);
    });
  }

  private emit(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      // A console's trouble must never fail a start.
      log.warn({ err: err instanceof Error ? err.message : String(err) }, "boot listener threw");
    }
  }
}

/**
 * Wraps the start job's handler: the boot-mark step's output becomes a GuestBoot row and a
 * boot event before the next step runs; the first step after it that succeeds (QEMU's launch)
 * wakes the console's input connection. The plan itself is not changed.
 */
export function withBootRecording(handler: JobHandler, deps: { db: Db; boots: GuestBoots }): JobHandler {
  return async (ctx, payload) => {
    const guestId =
      typeof payload === "object" && payload !== null && "guestId" in payload ? String((payload as { guestId: unknown }).guestId) : null;
    if (guestId === null) return handler(ctx, payload);
    let marked = false;
    let woke = false;
    const runStep: JobContext["runStep"] = async (step: StepSpec) => {
      const res = await ctx.runStep(step);
      const ok = res.outcome === "exited" && res.exitStatus === 0;
      if (ok && !marked && isSerialLogBootArgv(step.argv)) {
        marked = true;
        const job = await deps.db.job.findUnique({ where: { id: ctx.jobId }, select: { createdBy: true } });
        const mark = await deps.boots
          .record({ guestId, jobId: ctx.jobId, by: job?.createdBy ?? "unknown", stdout: res.stdout })
          .catch((err: unknown) => {
            log.warn({ guestId, err: err instanceof Error ? err.message : String(err) }, "boot not recorded");
            return null;
          });
        if (mark === null) ctx.note("the serial log's boot offset could not be recorded; the console will not mark this boot");
      } else if (ok && marked && !woke && !step.undo) {
        woke = true;
        deps.boots.started(guestId);
      }
      return res;
    };
    try {
      await handler({ ...ctx, runStep }, payload);
    } finally {
      if (marked && !woke) deps.boots.started(guestId);
    }
  };
}
