import { EventEmitter } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabHost } from "../../scripts/lab-host";
import { useTempDataDir } from "../test-support/temp-data";

// Batch steps (one SSH exec for several plan steps) on a real host: each command still has
// its own audit row, in order, with its own argv, status and output; a failure stops the
// batch on the host and undoes what was done; a timeout ends the running command as a
// timeout and runs nothing after it. And the job's SSH target: read once per job, read
// again after the host's connection settings changed.

const actor = { userId: null, username: "tester" };
let lab: LabHost;
let hostId: string;
let ctx: Awaited<ReturnType<typeof load>>;

async function load() {
  const { db } = await import("../db");
  const { runtime } = await import("../test-support/runtime");
  const { JobRunner } = await import("./job-runner");
  const { planHandler } = await import("./plan-job");
  const { parseTranscript } = await import("./job-events");
  const target = await import("../services/host-target");
  return { db, rt: runtime(), JobRunner, planHandler, parseTranscript, target };
}

type Step = { argv: string[]; purpose: string; undo?: string[]; batch?: boolean; timeoutMs?: number };

async function runPlan(steps: Step[], jobs = ctx.rt.jobs) {
  const job = await ctx.db.job.create({
    data: {
      hostId,
      kind: "plan",
      title: "batch test",
      planJson: JSON.stringify({ title: "batch test", steps }),
      status: "queued",
      createdBy: actor.username,
    },
  });
  jobs.enqueue(job.id);
  await jobs.idle();
  const done = await ctx.db.job.findUniqueOrThrow({ where: { id: job.id } });
  const audit = await ctx.db.auditEvent.findMany({ where: { jobId: job.id }, orderBy: [{ at: "asc" }, { id: "asc" }] });
  return {
    job: done,
    events: ctx.parseTranscript(done.transcript),
    audit: audit.map((a) => ({
      argv: JSON.parse(a.argvJson ?? "[]") as string[],
      exitStatus: a.exitStatus,
      outcome: a.outcome,
      output: a.outputExcerpt,
    })),
  };
}

const exists = async (p: string) => (await lab.execInNs(["test", "-e", p])).code === 0;

beforeAll(async () => {
  await useTempDataDir();
  const { startLabHost } = await import("../../scripts/lab-host");
  lab = await startLabHost();
  ctx = await load();
  const { addPinnedLabHost } = await import("../test-support/inventory-host");
  hostId = await addPinnedLabHost({ db: ctx.db, ssh: ctx.rt.ssh, secret: ctx.rt.secret, actor }, lab, "lab-batch");
}, 120_000);

afterAll(async () => {
  await ctx?.rt.ssh.closeAll();
  await lab?.stop();
});

describe("batch steps on a real host", () => {
  it("runs every command, one audit row each in order with its own argv, status and output", async () => {
    const dir = `${lab.runDir}/batch-ok`;
    const { job, events, audit } = await runPlan([
      { argv: ["mkdir", "-p", "--", dir], purpose: "make the directory", batch: true },
      { argv: ["sh", "-c", 'printf "%s" "$1" > "$2/f"; echo wrote', "sh", "it's $(x) `y`", dir], purpose: "write a file", batch: true },
      { argv: ["cat", "--", `${dir}/f`], purpose: "read it back", batch: true },
      { argv: ["true"], purpose: "alone" },
    ]);
    expect(job.status, job.error ?? "").toBe("succeeded");
    expect(audit.map((a) => a.argv[0])).toEqual(["mkdir", "sh", "cat", "true"]);
    expect(audit.every((a) => a.exitStatus === 0 && a.outcome === "ok")).toBe(true);
    expect(audit[1]?.output).toBe("wrote\n");
    expect(audit[2]?.output).toBe("it's $(x) `y`");
    expect(JSON.stringify(audit)).not.toContain("ldk-batch-");
    // The transcript: each step started and ended in order, the first three in one session.
    const kinds = events.flatMap((e) =>
      e.type === "step-start" ? [`start ${e.index}`] : e.type === "step-end" ? [`end ${e.index} ${e.exitStatus}`] : [],
    );
    expect(kinds).toEqual(["start 0", "end 0 0", "start 1", "end 1 0", "start 2", "end 2 0", "start 3", "end 3 0"]);
    expect(events.some((e) => e.type === "note" && e.text.includes("3 steps run in one SSH session"))).toBe(true);
    const out = events.flatMap((e) => (e.type === "output" && e.index === 2 ? [e.text] : [])).join("");
    expect(out).toBe("it's $(x) `y`");
  });

  it("stops on the host after a failing command and undoes the steps done before it", async () => {
    const dir = `${lab.runDir}/batch-fail`;
    const { job, audit } = await runPlan([
      { argv: ["mkdir", "--", dir], purpose: "make the directory", undo: ["rmdir", "--", dir], batch: true },
      { argv: ["sh", "-c", "echo broken >&2; exit 3"], purpose: "fail", batch: true },
      { argv: ["touch", "--", `${lab.runDir}/batch-never`], purpose: "never runs", batch: true },
    ]);
    expect(job.status).toBe("failed");
    expect(job.failedStep).toBe(1);
    expect(job.error).toContain("exited with status 3: broken");
    expect(audit.map((a) => [a.argv[0], a.exitStatus, a.outcome])).toEqual([
      ["mkdir", 0, "ok"],
      ["sh", 3, "failed"],
      ["rmdir", 0, "ok"],
    ]);
    expect(await exists(`${lab.runDir}/batch-never`)).toBe(false);
    expect(await exists(dir)).toBe(false);
  });

  it("ends a command that runs past its time as a timeout and runs nothing after it", async () => {
    const dir = `${lab.runDir}/batch-slow`;
    const { job, audit, events } = await runPlan([
      // The batch's whole budget (121 s) outlasts the sleep: only the step's own 1 s limit
      // keeps the touch after it from running.
      { argv: ["mkdir", "--", dir], purpose: "make the directory", undo: ["rmdir", "--", dir], batch: true, timeoutMs: 60_000 },
      { argv: ["sleep", "30"], purpose: "hang", batch: true, timeoutMs: 1_000 },
      { argv: ["touch", "--", `${lab.runDir}/batch-after-timeout`], purpose: "never runs", batch: true, timeoutMs: 60_000 },
    ]);
    expect(job.status).toBe("failed");
    expect(events.find((e) => e.type === "step-end" && e.index === 1)).toMatchObject({ outcome: "timeout", exitStatus: null });
    expect(audit.map((a) => [a.argv[0], a.outcome])).toEqual([
      ["mkdir", "ok"],
      ["sleep", "failed"],
      ["rmdir", "ok"],
    ]);
    expect(await exists(`${lab.runDir}/batch-after-timeout`)).toBe(false);
    expect(await exists(dir)).toBe(false);
    expect((await lab.processes()).some((p) => p.argv.join(" ") === "sleep 30")).toBe(false);
  }, 60_000);

  it("a cancelled job stops the batch: the running command ends cancelled, the done ones are undone", async () => {
    const dir = `${lab.runDir}/batch-cancel`;
    const job = await ctx.db.job.create({
      data: {
        hostId,
        kind: "plan",
        title: "cancel",
        status: "queued",
        createdBy: actor.username,
        planJson: JSON.stringify({
          title: "cancel",
          steps: [
            { argv: ["mkdir", "--", dir], purpose: "make", undo: ["rmdir", "--", dir], batch: true },
            { argv: ["sh", "-c", 'touch "$1.started"; sleep 30', "sh", dir], purpose: "hang", batch: true },
            { argv: ["touch", "--", `${dir}.after`], purpose: "never", batch: true },
          ],
        }),
      },
    });
    ctx.rt.jobs.enqueue(job.id);
    for (let i = 0; i < 200 && !(await exists(`${dir}.started`)); i++) await new Promise((r) => setTimeout(r, 25));
    expect(ctx.rt.jobs.cancel(job.id)).toBe(true);
    await ctx.rt.jobs.idle();
    const done = await ctx.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(done.status).toBe("cancelled");
    expect(await exists(dir)).toBe(false);
    expect(await exists(`${dir}.after`)).toBe(false);
    const audit = await ctx.db.auditEvent.findMany({ where: { jobId: job.id }, orderBy: [{ at: "asc" }, { id: "asc" }] });
    expect(audit.map((a) => (JSON.parse(a.argvJson ?? "[]") as string[])[0])).toEqual(["mkdir", "sh", "rmdir"]);
  }, 60_000);
});

describe("a batch whose connection drops", () => {
  it("ends the running command as unknown, undoes nothing, and runs nothing after it", async () => {
    const dir = `${lab.runDir}/batch-drop`;
    const job = await ctx.db.job.create({
      data: {
        hostId,
        kind: "plan",
        title: "drop",
        status: "queued",
        createdBy: actor.username,
        planJson: JSON.stringify({
          title: "drop",
          steps: [
            { argv: ["mkdir", "--", dir], purpose: "make", undo: ["rmdir", "--", dir], batch: true },
            { argv: ["sleep", "419"], purpose: "hang", batch: true },
            { argv: ["touch", "--", `${dir}/after`], purpose: "never", batch: true },
          ],
        }),
      },
    });
    ctx.rt.jobs.enqueue(job.id);
    for (let i = 0; i < 200 && !(await lab.processes()).some((p) => p.argv.join(" ") === "sleep 419"); i++)
      await new Promise((r) => setTimeout(r, 25));
    await lab.dropConnections();
    await ctx.rt.jobs.idle();
    const done = await ctx.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(done.status).toBe("unknown");
    const audit = await ctx.db.auditEvent.findMany({ where: { jobId: job.id }, orderBy: [{ at: "asc" }, { id: "asc" }] });
    expect(audit.map((a) => [(JSON.parse(a.argvJson ?? "[]") as string[])[0], a.outcome, a.exitStatus])).toEqual([
      ["mkdir", "ok", 0],
      ["sleep", "unknown", null],
    ]);
    // Nothing was undone: after a lost connection the host's state is read, not guessed.
    expect(await exists(dir)).toBe(true);
    expect(await exists(`${dir}/after`)).toBe(false);
  }, 60_000);
});

describe("a job's SSH target", () => {
  it("is read once per job, and again after the host's settings changed", async () => {
    let reads = 0;
    // The runner's signal that a host's settings changed (in the product: the SSH pool's drop).
    const changes = new EventEmitter();
    const runner = new ctx.JobRunner({
      db: ctx.db,
      ssh: ctx.rt.ssh,
      targetFor: (id) => {
        reads++;
        return ctx.target.hostTarget(ctx.db, ctx.rt.secret, id);
      },
      onTargetChange: (listener) => {
        changes.on("changed", listener);
        return () => changes.off("changed", listener);
      },
    });
    runner.register("plan", ctx.planHandler);
    const { job } = await runPlan(
      [
        { argv: ["true"], purpose: "one" },
        { argv: ["true"], purpose: "two" },
        { argv: ["true"], purpose: "three" },
      ],
      runner,
    );
    expect(job.status).toBe("succeeded");
    expect(reads).toBe(1);

    reads = 0;
    const marker = `${lab.runDir}/target-changed`;
    const changed = (async () => {
      // Once the first step runs, the host's key is "changed": the next step must read it anew.
      for (let i = 0; i < 200 && !(await exists(marker)); i++) await new Promise((r) => setTimeout(r, 25));
      changes.emit("changed", hostId);
    })();
    const second = await runPlan(
      [
        { argv: ["sh", "-c", 'touch "$1"; sleep 1', "sh", marker], purpose: "one" },
        { argv: ["true"], purpose: "two" },
        { argv: ["true"], purpose: "three" },
      ],
      runner,
    );
    await changed;
    expect(second.job.status).toBe("succeeded");
    expect(reads).toBe(2);
  }, 60_000);
});
