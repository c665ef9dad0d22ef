import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabHost } from "../../scripts/lab-host";
import { useTempDataDir } from "../test-support/temp-data";

// The plan/job/audit core against a real host: sshd in a network namespace. Every
// assertion reads the effect back from the host, the database or the job's transcript.

type Services = Awaited<ReturnType<typeof loadServices>>;

async function loadServices() {
  const { db } = await import("../db");
  const { runtime } = await import("../test-support/runtime");
  const hostService = await import("../services/host-service");
  const jobService = await import("../services/job-service");
  const { parseTranscript } = await import("./job-events");
  const { JobRunner } = await import("./job-runner");
  return { db, rt: runtime(), hostService, jobService, parseTranscript, JobRunner };
}

const actor = { userId: null, username: "tester" };
let lab: LabHost;
let s: Services;
let hostId: string;

async function waitJob(jobId: string) {
  await s.rt.jobs.idle();
  return s.db.job.findUniqueOrThrow({ where: { id: jobId } });
}

async function runPlan(title: string, steps: { argv: string[]; purpose: string; undo?: string[] }[]) {
  const job = await s.db.job.create({
    data: { hostId, kind: "plan", title, planJson: JSON.stringify({ title, steps }), status: "queued", createdBy: actor.username },
  });
  s.rt.jobs.enqueue(job.id);
  return job.id;
}

async function waitForProcess(pattern: RegExp, present: boolean): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const procs = await lab.processes();
    if (procs.some((p) => pattern.test(p.argv.join(" "))) === present) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`process ${pattern} never became ${present ? "present" : "absent"}`);
}

beforeAll(async () => {
  await useTempDataDir();
  const { startLabHost } = await import("../../scripts/lab-host");
  lab = await startLabHost();
  s = await loadServices();
  const { addPinnedLabHost } = await import("../test-support/inventory-host");
  hostId = await addPinnedLabHost({ db: s.db, ssh: s.rt.ssh, secret: s.rt.secret, actor }, lab, "lab-a");
});

afterAll(async () => {
  await s?.rt.ssh.closeAll();
  await lab?.stop();
});

describe("jobs on a real host", () => {
  it("applies a scratch directory plan, audits every command, and the directory exists", async () => {
    const { jobId } = await s.jobService.applyOperation(
      { db: s.db, jobs: s.rt.jobs, actor },
      { hostId, op: { kind: "scratch.create", name: "exp-1" } },
    );
    const job = await waitJob(jobId);
    expect(job.status).toBe("succeeded");
    expect((await lab.execInNs(["test", "-d", `${lab.runDir}/scratch/exp-1`])).code).toBe(0);
    const audit = await s.db.auditEvent.findMany({ where: { jobId }, orderBy: { at: "asc" } });
    expect(audit.map((a) => JSON.parse(a.argvJson ?? "[]"))).toEqual([
      ["mkdir", "-p", "--", `${lab.runDir}/scratch`],
      ["mkdir", "--", `${lab.runDir}/scratch/exp-1`],
    ]);
    expect(audit.every((a) => a.exitStatus === 0 && a.outcome === "ok" && a.username === "tester" && a.hostName === "lab-a")).toBe(true);
  });

  it("fails on the step that fails, with its stderr, and says so in the transcript", async () => {
    const { jobId } = await s.jobService.applyOperation(
      { db: s.db, jobs: s.rt.jobs, actor },
      { hostId, op: { kind: "scratch.create", name: "exp-1" } },
    );
    const job = await waitJob(jobId);
    expect(job.status).toBe("failed");
    expect(job.failedStep).toBe(1);
    expect(job.error).toMatch(/File exists/);
    const ends = s.parseTranscript(job.transcript).filter((e) => e.type === "step-end");
    expect(ends.map((e) => e.type === "step-end" && e.exitStatus)).toEqual([0, 1]);
  });

  it("undoes completed steps when a later one fails", async () => {
    const dir = `${lab.runDir}/undo-me`;
    const jobId = await runPlan("undo test", [
      { argv: ["mkdir", "--", dir], purpose: "make a dir", undo: ["rmdir", "--", dir] },
      { argv: ["false"], purpose: "fail" },
    ]);
    const job = await waitJob(jobId);
    expect(job.status).toBe("failed");
    expect((await lab.execInNs(["test", "-e", dir])).code).not.toBe(0);
    const argvs = (await s.db.auditEvent.findMany({ where: { jobId }, orderBy: { at: "asc" } })).map((a) => JSON.parse(a.argvJson ?? "[]"));
    expect(argvs).toEqual([["mkdir", "--", dir], ["false"], ["rmdir", "--", dir]]);
  });

  it("cancels a running job: the remote command dies and the job says cancelled", async () => {
    const jobId = await runPlan("long", [{ argv: ["sleep", "417"], purpose: "wait" }]);
    await waitForProcess(/^sleep 417$/, true);
    expect(s.rt.jobs.cancel(jobId)).toBe(true);
    const job = await waitJob(jobId);
    expect(job.status).toBe("cancelled");
    await waitForProcess(/^sleep 417$/, false);
  });

  it("reports unknown, never success, when the connection drops mid-command", async () => {
    const jobId = await runPlan("dropped", [{ argv: ["sleep", "418"], purpose: "wait" }]);
    await waitForProcess(/^sleep 418$/, true);
    await lab.dropConnections();
    const job = await waitJob(jobId);
    expect(job.status).toBe("unknown");
    const row = await s.db.auditEvent.findFirstOrThrow({ where: { jobId } });
    expect(row.outcome).toBe("unknown");
    expect(row.exitStatus).toBeNull();
  });

  it("streams a job to a late watcher without losing or doubling events", async () => {
    const jobId = await runPlan("chatty", [
      { argv: ["sh", "-c", "for i in 1 2 3 4 5; do echo line$i; sleep 0.2; done"], purpose: "talk" },
      { argv: ["echo", "done"], purpose: "finish" },
    ]);
    await new Promise((r) => setTimeout(r, 400));
    const { appRouter } = await import("../api/root");
    const { createCallerFactory } = await import("../api/trpc");
    const { runtime: testRuntime } = await import("../test-support/runtime");
    const caller = createCallerFactory(appRouter)({
      get rt() {
        return testRuntime();
      },
      db: s.db,
      user: { id: "u", username: "viewer", role: "viewer" },
      sessionId: "s",
      ip: "127.0.0.1",
      secureCookies: false,
      setCookie: () => undefined,
    });
    const seen: unknown[] = [];
    for await (const chunk of await caller.jobs.watch({ jobId })) seen.push(...chunk.events);
    const job = await waitJob(jobId);
    expect(job.status).toBe("succeeded");
    expect(seen).toEqual(s.parseTranscript(job.transcript));
    const out = seen
      .filter((e) => (e as { type: string }).type === "output")
      .map((e) => (e as { text: string }).text)
      .join("");
    expect(out).toBe("line1\nline2\nline3\nline4\nline5\ndone\n");
  });

  it("probes the host as a read job and stores its capabilities", async () => {
    const { jobId } = await s.jobService.startProbe({ db: s.db, jobs: s.rt.jobs, actor }, { hostId });
    const job = await waitJob(jobId);
    expect(job.status, job.error ?? "").toBe("succeeded");
    const host = await s.db.host.findUniqueOrThrow({ where: { id: hostId } });
    const caps = JSON.parse(host.probeJson ?? "{}");
    expect(caps.arch).toBe((await lab.execInNs(["uname", "-m"])).stdout.trim());
    expect(host.probedAt).not.toBeNull();
    expect(await s.db.auditEvent.count({ where: { jobId } })).toBeGreaterThan(5);
  });

  it("marks jobs left running by a previous process as unknown", async () => {
    const job = await s.db.job.create({
      data: { hostId, kind: "plan", title: "orphan", planJson: "{}", status: "running", createdBy: "x" },
    });
    const other = new s.JobRunner({ db: s.db, ssh: s.rt.ssh, targetFor: () => Promise.reject(new Error("unused")) });
    await other.recoverAfterRestart();
    expect((await s.db.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("unknown");
  });

  it("refuses a changed host key before running anything, naming both fingerprints", async () => {
    const oldFp = lab.hostKeyFingerprint;
    const newFp = await lab.rotateHostKey();
    s.rt.ssh.drop(hostId);
    const { jobId } = await s.jobService.applyOperation(
      { db: s.db, jobs: s.rt.jobs, actor },
      { hostId, op: { kind: "scratch.create", name: "never" } },
    );
    const job = await waitJob(jobId);
    expect(job.status).toBe("failed");
    expect(job.error).toContain(oldFp);
    expect(job.error).toContain(newFp);
    const last = s.parseTranscript(job.transcript).at(-1);
    expect(last).toMatchObject({ type: "status", status: "failed", code: "HOST_KEY_MISMATCH" });
    expect((await lab.execInNs(["test", "-e", `${lab.runDir}/scratch/never`])).code).not.toBe(0);
  });
});

describe("a job that ends while one of its steps is still under way", () => {
  // Its own host: the tests above leave lab-a with a rotated host key.
  let labB: LabHost;
  let hostB: string;
  beforeAll(async () => {
    const { startLabHost } = await import("../../scripts/lab-host");
    labB = await startLabHost();
    const { addPinnedLabHost } = await import("../test-support/inventory-host");
    hostB = await addPinnedLabHost({ db: s.db, ssh: s.rt.ssh, secret: s.rt.secret, actor }, labB, "lab-b");
  });
  afterAll(async () => labB?.stop());

  it("closes that step as unknown, keeps the finished transcript final, and still audits the late result", async () => {
    const { JobEnd } = await import("./job-runner");
    // Like the probe: reads at once; the first failure ends the job.
    s.rt.jobs.register("parallel-test", async (ctx) => {
      await Promise.all([
        ctx.runStep({ argv: ["sh", "-c", "sleep 2; echo late"], purpose: "a slow read", timeoutMs: 30_000 }),
        ctx.runStep({ argv: ["sh", "-c", "exit 3"], purpose: "a read that fails" }).then((r) => {
          if (r.exitStatus !== 0) throw new JobEnd("failed", "the second read failed", 1);
        }),
      ]);
    });
    const job = await s.db.job.create({
      data: { hostId: hostB, kind: "parallel-test", title: "parallel", planJson: "{}", status: "queued", createdBy: actor.username },
    });
    s.rt.jobs.enqueue(job.id);
    const done = await waitJob(job.id);
    expect(done.status).toBe("failed");
    const events = s.parseTranscript(done.transcript);
    expect(events.find((e) => e.type === "step-start" && e.index === 0)).toMatchObject({ timeoutMs: 30_000 });
    expect(events.filter((e) => e.type === "step-end").map((e) => [e.index, e.outcome])).toEqual(
      expect.arrayContaining([
        [0, "unknown"],
        [1, "exited"],
      ]),
    );
    expect(events.at(-1)).toMatchObject({ type: "status", status: "failed" });

    let late = null;
    for (let i = 0; i < 100 && late === null; i++) {
      late = await s.db.auditEvent.findFirst({ where: { jobId: job.id, argvJson: JSON.stringify(["sh", "-c", "sleep 2; echo late"]) } });
      if (late === null) await new Promise((r) => setTimeout(r, 100));
    }
    expect(late).toMatchObject({ exitStatus: 0, outcome: "ok" });
    expect((await s.db.job.findUniqueOrThrow({ where: { id: job.id } })).transcript).toBe(done.transcript);
  });

  it("a failed probe is the host's last probe, with its error, and the last good result stays", async () => {
    const { lastProbe } = await import("../services/host-service");
    const first = await s.jobService.startProbe({ db: s.db, jobs: s.rt.jobs, actor }, { hostId: hostB });
    expect((await waitJob(first.jobId)).status).toBe("succeeded");
    expect(await lastProbe(s.db, hostB)).toMatchObject({ jobId: first.jobId, status: "succeeded" });
    const probedAt = (await s.db.host.findUniqueOrThrow({ where: { id: hostB } })).probedAt;
    expect(probedAt).not.toBeNull();

    await s.rt.ssh.closeAll();
    await labB.killSshd();
    const second = await s.jobService.startProbe({ db: s.db, jobs: s.rt.jobs, actor }, { hostId: hostB });
    const failed = await waitJob(second.jobId);
    expect(failed.status).not.toBe("succeeded");
    const last = await lastProbe(s.db, hostB);
    expect(last).toMatchObject({ jobId: second.jobId, status: failed.status });
    expect(last?.error).toBeTruthy();
    expect((await s.db.host.findUniqueOrThrow({ where: { id: hostB } })).probedAt).toEqual(probedAt);
  });
});
