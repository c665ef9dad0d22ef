import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labHostsSupported, type LabHost } from "../../scripts/lab-host";
import { useTempDataDir } from "../test-support/temp-data";
import { auditRows, finishedJob, queuePlan, stepEnds } from "../test-support/fault-jobs";
import { until } from "../test-support/waits";

// Fault matrix row 4 (docs/reliability.md): another process holds the SQLite write lock
// for longer than Labdeck's busy timeout (5 s) exactly while a job writes its last audit
// row and its final status. better-sqlite3 waits synchronously, so the other writer must be
// another process (as it would be: a backup, a second Labdeck, an admin's sqlite3 shell).

const support = labHostsSupported();
const actor = { userId: null, username: "tester" };
const HOLD_MS = 8_000;

async function load() {
  const { db } = await import("../db");
  const { runtime, runtimeDeps } = await import("../test-support/runtime");
  const rt = runtime();
  return { db, rt, deps: runtimeDeps(rt, actor) };
}

/**
 * Another writer: takes the write lock (BEGIN EXCLUSIVE), writes one row of its own, holds
 * the lock for `ms` and commits. Resolves once the lock is held; `done` when committed.
 */
let holders = 0;

async function holdWriteLock(file: string, ms: number): Promise<{ done: Promise<number | null>; child: ChildProcess }> {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(process.argv[1]);
    db.pragma("busy_timeout = 10000");
    db.exec("BEGIN EXCLUSIVE");
    db.prepare("INSERT INTO AuditEvent (id, at, username, kind, action, outcome) VALUES (?, ?, ?, ?, ?, ?)")
      .run(process.argv[3], Date.now(), "other-writer", "inventory", "other.write", "ok");
    process.stdout.write("locked\\n");
    setTimeout(() => { db.exec("COMMIT"); db.close(); process.exit(0); }, Number(process.argv[2]));
  `;
  const child = spawn(process.execPath, ["-e", script, file, String(ms), `other-writer-${++holders}`], {
    cwd: process.cwd(),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const done = new Promise<number | null>((resolve) => child.once("exit", resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`lock holder exited early (${code})`)));
  });
  return { done, child };
}

describe.skipIf(!support.ok)(`database locked by another writer${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  let lab: LabHost;
  let hostId: string;
  let dbFile: string;
  let s: Awaited<ReturnType<typeof load>>;

  beforeAll(async () => {
    const dir = await useTempDataDir();
    dbFile = path.join(dir, "labdeck.db");
    const { startLabHost } = await import("../../scripts/lab-host");
    lab = await startLabHost();
    s = await load();
    const { addPinnedLabHost } = await import("../test-support/inventory-host");
    hostId = await addPinnedLabHost(s.deps, lab, "lock-host");
  });

  afterAll(async () => {
    await s?.rt.jobs.idle();
    await s?.rt.ssh.closeAll();
    await lab?.stop();
  });

  it("a job ending while the database is locked longer than the busy timeout: nothing lost, final state written", async () => {
    const file = `${lab.runDir}/locked-db-mark`;
    const jobId = await queuePlan(s.deps, hostId, "ends under a lock", [
      { argv: ["sh", "-c", 'sleep 1.3; echo "$1" > "$2"', "sh", "written", file], purpose: "runs while the lock is taken" },
      { argv: ["echo", "second"], purpose: "a step after the lock" },
    ]);
    await until("the job to start", async () =>
      (await lab.processes()).some((p) => p.argv.includes('sleep 1.3; echo "$1" > "$2"')) ? true : undefined,
    );
    const holder = await holdWriteLock(dbFile, HOLD_MS);

    const job = await finishedJob(s.deps, jobId, 90_000);
    expect(await holder.done).toBe(0);
    expect(job.status, job.error ?? "").toBe("succeeded");
    expect(job.finishedAt).not.toBeNull();
    expect(stepEnds(job.transcript).map((e) => [e.index, e.outcome, e.exitStatus])).toEqual([
      [0, "exited", 0],
      [1, "exited", 0],
    ]);
    expect((await auditRows(s.db, jobId)).map((r) => [r.argv[0], r.outcome, r.exitStatus])).toEqual([
      ["sh", "ok", 0],
      ["echo", "ok", 0],
    ]);
    // The other writer's acknowledged (committed) row is there too.
    expect(await s.db.auditEvent.findUnique({ where: { id: "other-writer-1" } })).toMatchObject({ username: "other-writer" });
    expect((await lab.execInNs(["cat", file])).stdout).toBe("written\n");
    // And the next job on the host runs: the lock was not left held by the failed write.
    const next = await finishedJob(s.deps, await queuePlan(s.deps, hostId, "after the lock", [{ argv: ["true"], purpose: "next" }]));
    expect(next.status).toBe("succeeded");
  }, 120_000);

  it("the final status write itself meets the lock: retried until written, not left running", async () => {
    // A handler that ends only once the other writer holds the lock, so the runner's very
    // last write (status, error, finishedAt, transcript tail) is the one that meets it.
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    s.rt.jobs.register("lock-at-end", async (ctx) => {
      const r = await ctx.runStep({ argv: ["echo", "ran"], purpose: "a command before the end" });
      if (r.exitStatus !== 0) throw new Error("echo failed");
      await lockTaken;
      ctx.note("ending under the lock");
    });
    const job = await s.db.job.create({
      data: { hostId, kind: "lock-at-end", title: "final write locked", planJson: "{}", status: "queued", createdBy: "tester" },
    });
    s.rt.jobs.enqueue(job.id);
    await until("the job's command to be audited", async () =>
      (await s.db.auditEvent.count({ where: { jobId: job.id } })) > 0 ? true : undefined,
    );
    const holder = await holdWriteLock(dbFile, HOLD_MS);
    locked();

    const done = await finishedJob(s.deps, job.id, 90_000);
    expect(await holder.done).toBe(0);
    expect(done.status, done.error ?? "").toBe("succeeded");
    expect(done.finishedAt).not.toBeNull();
    const events = (await import("./job-events")).parseTranscript(done.transcript);
    expect(events.filter((e) => e.type === "note").map((e) => e.type === "note" && e.text)).toEqual(["ending under the lock"]);
    expect(events.at(-1)).toMatchObject({ type: "status", status: "succeeded" });
    expect(events.filter((e) => e.type === "status").map((e) => e.type === "status" && e.status)).toEqual(["running", "succeeded"]);
    expect(await auditRows(s.db, job.id)).toEqual([{ argv: ["echo", "ran"], outcome: "ok", exitStatus: 0 }]);
    expect(await s.db.auditEvent.findUnique({ where: { id: "other-writer-2" } })).toMatchObject({ username: "other-writer" });
  }, 120_000);

  it("reads the database while it is locked (WAL): the job list stays readable", async () => {
    const holder = await holdWriteLock(dbFile, 1_000);
    const direct = new Database(dbFile, { readonly: true });
    try {
      expect((direct.prepare("SELECT count(*) AS n FROM Job").get() as { n: number }).n).toBeGreaterThan(0);
    } finally {
      direct.close();
    }
    expect(await s.db.job.count()).toBeGreaterThan(0);
    expect(await holder.done).toBe(0);
  });
});
