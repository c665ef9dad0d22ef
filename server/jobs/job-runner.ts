import { setMaxListeners } from "node:events";
import type { Db } from "../db";
import { retryWhileBusy } from "../db-busy";
import { LabdeckError } from "../errors";
import { logger } from "../logger";
import { auditCommand, auditCommands, auditOutcome, type Actor } from "../audit/audit-writer";
import type { ExecResult, SshExecutor, SshTarget } from "../ssh/types";
import { JobBus } from "./job-bus";
import { serializeEvents, type JobEvent, type JobStatus } from "./job-events";
import { HostLock } from "./host-lock";
import { JobSlots } from "./job-slots";
import { JobOutputBudget, StepOutput } from "./output-cap";
import type { TQmpCall } from "./plan";
import { runBatch, type BegunStep } from "./step-batch-run";
import type { BatchStepSpec } from "./batch-step-spec";
import type { StepSpec } from "./step-spec";
export type { StepSpec } from "./step-spec";

// Runs persisted jobs, one at a time per host. Each command is audited (awaited) before
// its step result is published, and a step whose exit status could not be read makes
// the job "unknown": it is never reported as success.

export interface JobContext {
  jobId: string;
  hostId: string;
  signal: AbortSignal;
  /** Runs one command on the job's host, streams and audits it. */
  runStep(step: StepSpec): Promise<ExecResult>;
  /**
   * Runs fixed commands in order in ONE SSH exec (server/jobs/step-batch.ts), each its own
   * step with its own audit row; stops after the first that fails. Returns the results of
   * the steps that ran, in order. Steps with stdin or QMP are not for a batch.
   */
  runSteps?(steps: readonly StepSpec[]): Promise<ExecResult[]>;
  /** Runs read-only commands in one round trip; each is still its own step and audit row. */
  runBatch(batch: BatchStepSpec): Promise<ExecResult[]>;
  note(text: string): void;
}

export type JobHandler = (ctx: JobContext, payload: unknown) => Promise<void>;

/** Thrown by handlers to end a job with a given status and message. */
export class JobEnd extends Error {
  constructor(
    readonly status: Exclude<JobStatus, "queued" | "running" | "succeeded">,
    message: string,
    readonly failedStep: number | null = null,
    /** The domain error code behind it (e.g. HOST_KEY_MISMATCH), for the page to react to. */
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/** Sends one QMP command to a monitor socket on the host; the outcome reads like an exec's. */
export type QmpExecutor = (
  target: SshTarget,
  call: TQmpCall,
  opts: { timeoutMs: number; signal?: AbortSignal | undefined },
) => Promise<ExecResult>;

export interface JobRunnerDeps {
  db: Db;
  ssh: SshExecutor;
  /** Read once per job (the key unsealed once), again only after onTargetChange named the host. */
  targetFor(hostId: string): Promise<SshTarget>;
  /** Subscribes to changes of a host's address, user, key or pin; returns the unsubscribe. */
  onTargetChange?: (listener: (hostId: string) => void) => () => void;
  qmp?: QmpExecutor;
  /** Jobs of these kinds run at most this many at once in this process (job-slots.ts). */
  kindLimits?: Readonly<Record<string, number>>;
}

const DEFAULT_STEP_TIMEOUT_MS = 120_000;
const FLUSH_EVERY_MS = 500;

export class JobRunner {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly running = new Map<string, AbortController>();
  private readonly lock = new HostLock();
  private readonly live = new Map<string, JobEvent[]>();
  private readonly slots: JobSlots;
  /** Every event of this runner's jobs, live, for watchers (api/routers/jobs.ts). */
  readonly bus = new JobBus();

  constructor(private readonly deps: JobRunnerDeps) {
    this.slots = new JobSlots(deps.kindLimits ?? {});
  }

  register(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Jobs left running or queued by a previous process: their outcome cannot be known. */
  async recoverAfterRestart(): Promise<number> {
    const now = Date.now();
    const stale = await this.deps.db.job.findMany({ where: { status: { in: ["queued", "running"] } } });
    for (const job of stale) {
      const status: JobStatus = job.status === "running" ? "unknown" : "cancelled";
      const error =
        job.status === "running"
          ? "Labdeck restarted while this job was running; its outcome is unknown"
          : "Labdeck restarted before this job ran";
      const event: JobEvent = { type: "status", status, error, at: now };
      await this.deps.db.job.update({
        where: { id: job.id },
        data: { status, error, finishedAt: new Date(now), transcript: job.transcript + serializeEvents([event]) },
      });
    }
    return stale.length;
  }

  /** Starts the job in the background; its progress is read from the database and the bus. */
  enqueue(jobId: string): void {
    const controller = new AbortController();
    // A probe runs its reads at once, each listening on this one signal.
    setMaxListeners(0, controller.signal);
    this.running.set(jobId, controller);
    void this.run(jobId, controller)
      .catch((err: unknown) => logger.error({ err, jobId }, "job runner failed"))
      .finally(() => {
        this.running.delete(jobId);
        this.live.delete(jobId);
      });
  }

  /** Every event of a job this process is running, or undefined once it has ended. */
  liveEvents(jobId: string): readonly JobEvent[] | undefined {
    return this.live.get(jobId);
  }

  /** Returns false when the job is not in this process's queue (already finished). */
  cancel(jobId: string): boolean {
    const controller = this.running.get(jobId);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  /** Resolves when every job started by this runner has ended (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await new Promise((r) => setTimeout(r, 20));
  }

  /** Runs fn holding a slot of the kind; fn runs without one when cancelled while waiting (it sees the abort). */
  private async withSlot(kind: string, signal: AbortSignal, fn: () => Promise<void>): Promise<void> {
    const release = await this.slots.acquire(kind, signal);
    try {
      await fn();
    } finally {
      release?.();
    }
  }

  private sendQmp(target: SshTarget, call: TQmpCall, opts: { timeoutMs: number; signal: AbortSignal | undefined }): Promise<ExecResult> {
    if (!this.deps.qmp) throw new LabdeckError("INTERNAL", "this Labdeck process cannot send QMP commands");
    return this.deps.qmp(target, call, opts);
  }

  private async run(jobId: string, controller: AbortController): Promise<void> {
    const { db } = this.deps;
    const job = await db.job.findUniqueOrThrow({ where: { id: jobId }, include: { host: true } });
    const events: JobEvent[] = [];
    this.live.set(jobId, events);
    let flushed = 0;
    let lastFlush = Date.now();
    const publish = (event: JobEvent): void => {
      events.push(event);
      this.bus.publish({ jobId, hostId: job.hostId, seq: events.length - 1, event });
    };
    // Output beyond a step's stored head and tail goes to watchers only; its seq is where the
    // next stored event will sit, so a watcher's skip-what-the-snapshot-had rule still holds.
    const publishLive = (event: JobEvent): void => this.bus.publish({ jobId, hostId: job.hostId, seq: events.length, event });
    const outputBudget = new JobOutputBudget();
    // Flushes run one after another (a probe's concurrent steps flush too) and advance only
    // once written, so no chunk is lost to a write that failed or waited on a locked database.
    let flushing: Promise<void> = Promise.resolve();
    const flush = (data: Record<string, unknown> = {}): Promise<void> => {
      lastFlush = Date.now();
      const write = flushing.then(() =>
        retryWhileBusy(`transcript and status of job ${jobId}`, async () => {
          const upto = events.length;
          const chunk = serializeEvents(events.slice(flushed, upto));
          // Appended in SQL, with the status in the same transaction (one commit): the
          // stored transcript is neither read back nor rewritten whole at every flush.
          const append = db.$executeRaw`UPDATE "Job" SET "transcript" = "transcript" || ${chunk} WHERE "id" = ${jobId}`;
          if (Object.keys(data).length === 0) await append;
          else await db.$transaction([append, db.job.update({ where: { id: jobId }, data })]);
          flushed = upto;
        }),
      );
      flushing = write.catch(() => undefined);
      return write;
    };
    const handler = this.handlers.get(job.kind);
    const actor: Actor = { userId: job.createdById, username: job.createdBy };
    // The job's SSH target, read and unsealed at its first step and kept for its life,
    // unless the host's address, user, key or pin changes meanwhile.
    let target: Promise<SshTarget> | null = null;
    const targetForJob = (): Promise<SshTarget> => {
      const t = (target ??= this.deps.targetFor(job.hostId));
      t.catch(() => target === t && (target = null));
      return t;
    };
    const unsubscribe = this.deps.onTargetChange?.((hostId) => {
      if (hostId === job.hostId) target = null;
    });
    const body = async (): Promise<void> => {
      if (controller.signal.aborted) {
        publish({ type: "status", status: "cancelled", error: "cancelled before it started", at: Date.now() });
        await flush({ status: "cancelled", error: "cancelled before it started", finishedAt: new Date() });
        return;
      }
      publish({ type: "status", status: "running", at: Date.now() });
      // Written while the first command is already on its way to the host; awaited before
      // that command's audit row (flushes are ordered) or, without a step, before the end.
      let runningWrite: Promise<void> | null = flush({ status: "running", startedAt: new Date() });
      runningWrite.catch(() => undefined); // read in runningWritten(); never an unhandled rejection
      let runningWriteError: unknown = null;
      const runningWritten = async (): Promise<void> => {
        const w = runningWrite;
        runningWrite = null;
        if (w) await w.catch((err: unknown) => (runningWriteError = err));
      };

      let stepIndex = 0;
      let lastFailedStep: number | null = null;
      // Steps started and not yet ended. Once the job has ended, a step still under way (a
      // probe runs its reads at once) is closed as "unknown" and its late result, which is
      // still audited, no longer changes the finished transcript.
      const open = new Map<number, number>();
      let ended = false;
      const endStep = (event: Extract<JobEvent, { type: "step-end" }>): void => {
        if (ended || !open.delete(event.index)) return;
        publish(event);
      };
      // One step's life in the transcript and the audit log: started, then ended only after
      // its command's audit row is written (a batch of steps goes through the same two).
      const beginStep = (step: StepSpec, at = Date.now()): BegunStep => {
        const index = stepIndex++;
        const timeoutMs = step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
        open.set(index, at);
        publish({ type: "step-start", index, argv: step.argv, purpose: step.purpose, undo: step.undo ?? false, at, timeoutMs });
        // Once the job has ended, a late step's output no longer belongs in its transcript.
        const output = new StepOutput(outputBudget, {
          publish: (stream, text) => ended || publish({ type: "output", index, stream, text }),
          publishLive: (stream, text) => ended || publishLive({ type: "output", index, stream, text }),
          store: (stream, text) => ended || events.push({ type: "output", index, stream, text }),
          dropped: (bytes) => ended || publish({ type: "output-dropped", index, bytes }),
        });
        return { step, index, started: at, timeoutMs, output };
      };
      const notRun = async (b: BegunStep, err: unknown): Promise<never> => {
        b.output.end();
        await runningWritten();
        const message = err instanceof Error ? err.message : String(err);
        await auditCommand(db, actor, {
          hostId: job.hostId,
          hostName: job.host.name,
          jobId,
          argv: b.step.argv,
          exitStatus: null,
          outcome: "failed",
          durationMs: Date.now() - b.started,
          output: `not run: ${message}`,
        });
        const code = err instanceof LabdeckError ? err.code : null;
        endStep({
          type: "step-end",
          index: b.index,
          outcome: "not-run",
          exitStatus: null,
          durationMs: Date.now() - b.started,
          error: message,
          code,
        });
        lastFailedStep = b.index;
        throw new JobEnd("failed", message, b.index, code);
      };
      // Steps whose results arrived together (a batch) get their rows in one commit, all
      // written before any of their ends is published (endBegun).
      const recordSteps = async (done: readonly { step: StepSpec; result: ExecResult }[]): Promise<void> => {
        await runningWritten();
        await auditCommands(
          db,
          actor,
          done.map(({ step, result }) => ({
            hostId: job.hostId,
            hostName: job.host.name,
            jobId,
            argv: step.argv,
            exitStatus: result.exitStatus,
            outcome: auditOutcome(result, { optional: step.optional }),
            durationMs: result.durationMs,
            output:
              (step.stdin !== undefined ? `[stdin]\n${step.stdin}\n[stdout]\n` : "") +
              result.stdout +
              (result.stderr ? `\n[stderr]\n${result.stderr}` : ""),
          })),
        );
      };
      const endBegun = (b: BegunStep, result: ExecResult): void => {
        b.output.end();
        endStep({
          type: "step-end",
          index: b.index,
          outcome: result.outcome,
          exitStatus: result.exitStatus,
          durationMs: result.durationMs,
        });
        const outcome = auditOutcome(result, { optional: b.step.optional });
        if (outcome === "failed" || outcome === "unknown") lastFailedStep = b.index;
      };
      const finishStep = async (b: BegunStep, result: ExecResult): Promise<void> => {
        b.output.end();
        await recordSteps([{ step: b.step, result }]);
        endBegun(b, result);
      };
      const ctx: JobContext = {
        jobId,
        hostId: job.hostId,
        signal: controller.signal,
        note: (text) => publish({ type: "note", text, at: Date.now() }),
        runStep: async (step) => {
          const begun = beginStep(step);
          let result: ExecResult;
          try {
            const target = await targetForJob();
            const common = { timeoutMs: begun.timeoutMs, signal: step.ignoreCancel ? undefined : controller.signal };
            result = step.qmp
              ? await this.sendQmp(target, step.qmp, common)
              : await this.deps.ssh.exec(target, step.argv, {
                  ...common,
                  ...(step.stdin !== undefined ? { stdin: step.stdin } : {}),
                  onStdout: (b) => begun.output.push("stdout", b),
                  onStderr: (b) => begun.output.push("stderr", b),
                });
          } catch (err) {
            return notRun(begun, err);
          }
          await finishStep(begun, result);
          if (runningWriteError !== null) throw runningWriteError;
          if (!ended && Date.now() - lastFlush > FLUSH_EVERY_MS) await flush();
          return result;
        },
        runSteps: async (steps) => {
          const results = await runBatch({
            steps,
            signal: controller.signal,
            beginStep,
            recordSteps,
            endStep: endBegun,
            notRun,
            note: ctx.note,
            exec: async (argv, opts) => this.deps.ssh.exec(await targetForJob(), argv, opts),
          });
          if (runningWriteError !== null) throw runningWriteError;
          if (!ended && Date.now() - lastFlush > FLUSH_EVERY_MS) await flush();
          return results;
        },
        runBatch: async (batch) => {
          // Each command of the batch is a step of its own in the transcript and the audit
          // log; only the round trip is shared (batch-step-spec.ts).
          const opened = batch.parts.map((step) => beginStep({ ...step, timeoutMs: batch.timeoutMs }));
          let result: ExecResult;
          try {
            result = await this.deps.ssh.exec(await targetForJob(), batch.argv, { timeoutMs: batch.timeoutMs, signal: controller.signal });
          } catch (err) {
            let end: unknown = null;
            for (const o of opened) await notRun(o, err).catch((e: unknown) => (end ??= e));
            lastFailedStep = opened[0]?.index ?? lastFailedStep;
            throw end;
          }
          const split = batch.split(result);
          const done = opened.map((o, i) => {
            const r = split[i] ?? { ...result, outcome: "connection-lost" as const, exitStatus: null, stdout: "", stderr: "" };
            if (r.stdout) o.output.push("stdout", Buffer.from(r.stdout));
            if (r.stderr) o.output.push("stderr", Buffer.from(r.stderr));
            o.output.end();
            return { begun: o, step: o.step, result: r };
          });
          await recordSteps(done);
          for (const d of done) endBegun(d.begun, d.result);
          if (runningWriteError !== null) throw runningWriteError;
          if (!ended && Date.now() - lastFlush > FLUSH_EVERY_MS) await flush();
          return done.map((d) => d.result);
        },
      };

      let status: JobStatus = "succeeded";
      let error: string | null = null;
      let failedStep: number | null = null;
      let code: string | null = null;
      try {
        if (!handler) throw new JobEnd("failed", `no handler for job kind "${job.kind}"`);
        await handler(ctx, JSON.parse(job.planJson));
        await runningWritten();
        if (runningWriteError !== null) throw runningWriteError;
        if (controller.signal.aborted) {
          status = "cancelled";
          error = "cancelled";
        }
      } catch (err) {
        if (err instanceof JobEnd) {
          status = err.status;
          error = err.message;
          failedStep = err.failedStep ?? lastFailedStep;
          code = err.code;
        } else {
          status = controller.signal.aborted ? "cancelled" : "failed";
          error = err instanceof LabdeckError || err instanceof Error ? err.message : String(err);
          failedStep = lastFailedStep;
          code = err instanceof LabdeckError ? err.code : null;
          if (!(err instanceof LabdeckError)) logger.error({ err, jobId }, "job handler crashed");
        }
      }
      const endedAt = Date.now();
      for (const [index, startedAt] of [...open]) {
        endStep({
          type: "step-end",
          index,
          outcome: status === "cancelled" ? "cancelled" : "unknown",
          exitStatus: null,
          durationMs: endedAt - startedAt,
          error: "the job ended before this step's result was read",
        });
      }
      ended = true;
      publish({ type: "status", status, error, failedStep, code, at: endedAt });
      await flush({ status, error, failedStep, finishedAt: new Date() });
    };
    try {
      await this.lock.run(job.hostId, () => this.withSlot(job.kind, controller.signal, body));
    } finally {
      unsubscribe?.();
    }
  }
}
