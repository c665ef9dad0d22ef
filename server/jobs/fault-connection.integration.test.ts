import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labHostsSupported, type LabHost } from "../../scripts/lab-host";
import { useTempDataDir } from "../test-support/temp-data";
import { auditRows, finishedJob, queuePlan, stepEnds } from "../test-support/fault-jobs";
import { until } from "../test-support/waits";

// Fault matrix rows 1 and 3 (docs/reliability.md): the SSH connection dies under a running
// step, and a host whose sshd allows fewer sessions than Labdeck would open. What is
// asserted is what a user relies on afterwards: the job's row and transcript, the audit
// rows, the host's own state, and that the next job on the host runs.

const support = labHostsSupported();
const actor = { userId: null, username: "tester" };

async function load() {
  const { db } = await import("../db");
  const { runtime, runtimeDeps } = await import("../test-support/runtime");
  const rt = runtime();
  return { db, rt, deps: runtimeDeps(rt, actor) };
}

let s: Awaited<ReturnType<typeof load>>;

async function sleeping(lab: LabHost, seconds: string): Promise<boolean> {
  return (await lab.processes()).some((p) => p.argv.join(" ") === `sleep ${seconds}`);
}

describe.skipIf(!support.ok)(`connection faults${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  let lab: LabHost;
  let narrow: LabHost;
  let hostId: string;
  let narrowId: string;

  beforeAll(async () => {
    await useTempDataDir();
    const { startLabHost } = await import("../../scripts/lab-host");
    [lab, narrow] = await Promise.all([startLabHost(), startLabHost({ maxSessions: 2 })]);
    s = await load();
    const { addPinnedLabHost } = await import("../test-support/inventory-host");
    hostId = await addPinnedLabHost(s.deps, lab, "drop-host");
    narrowId = await addPinnedLabHost(s.deps, narrow, "narrow-host");
  });

  afterAll(async () => {
    await s?.rt.jobs.idle();
    await s?.rt.ssh.closeAll();
    await Promise.all([lab?.stop(), narrow?.stop()]);
  });

  /** A plan whose second step is the long one, with a third that leaves a mark if it ever ran. */
  function longPlan(tag: string, seconds: string) {
    return [
      { argv: ["touch", "--", `${lab.runDir}/${tag}-before`], purpose: "a step that completes" },
      { argv: ["sleep", seconds], purpose: "a long step" },
      { argv: ["touch", "--", `${lab.runDir}/${tag}-after`], purpose: "must not run after the drop" },
    ];
  }

  async function exists(file: string): Promise<boolean> {
    return (await lab.execInNs(["test", "-e", file])).code === 0;
  }

  it("connection dropped mid-step: unknown (never succeeded), step unknown, audited, lock freed", async () => {
    const jobId = await queuePlan(s.deps, hostId, "dropped", longPlan("drop", "5.1"));
    await until("the long step to run on the host", async () => ((await sleeping(lab, "5.1")) ? true : undefined));
    await lab.dropConnections();

    const job = await finishedJob(s.deps, jobId);
    expect(job.status).toBe("unknown");
    expect(job.failedStep).toBe(1);
    expect(job.error).toMatch(/connection lost during step 2/);
    expect(stepEnds(job.transcript).map((e) => [e.index, e.outcome, e.exitStatus])).toEqual([
      [0, "exited", 0],
      [1, "connection-lost", null],
    ]);
    expect(await auditRows(s.db, jobId)).toEqual([
      { argv: ["touch", "--", `${lab.runDir}/drop-before`], outcome: "ok", exitStatus: 0 },
      { argv: ["sleep", "5.1"], outcome: "unknown", exitStatus: null },
    ]);
    // Nothing after the lost step ran, and nothing was undone: the host's state is unknown.
    expect(await exists(`${lab.runDir}/drop-before`)).toBe(true);
    expect(await exists(`${lab.runDir}/drop-after`)).toBe(false);

    const next = await finishedJob(
      s.deps,
      await queuePlan(s.deps, hostId, "next", [{ argv: ["touch", "--", `${lab.runDir}/drop-next`], purpose: "next job" }]),
    );
    expect(next.status, next.error ?? "").toBe("succeeded");
    expect(await exists(`${lab.runDir}/drop-next`)).toBe(true);
  });

  it("sshd killed mid-step: unknown; while it is down the next job fails without running; back up, it succeeds", async () => {
    const jobId = await queuePlan(s.deps, hostId, "sshd killed", longPlan("kill", "5.2"));
    // A job queued behind it on the same host waits for the lock and must still end.
    const queued = await queuePlan(s.deps, hostId, "queued behind", [
      { argv: ["touch", "--", `${lab.runDir}/kill-queued`], purpose: "queued" },
    ]);
    await until("the long step to run on the host", async () => ((await sleeping(lab, "5.2")) ? true : undefined));
    await lab.killSshd();

    const job = await finishedJob(s.deps, jobId);
    expect(job.status).toBe("unknown");
    expect(stepEnds(job.transcript).at(-1)).toMatchObject({ index: 1, outcome: "connection-lost", exitStatus: null });
    expect((await auditRows(s.db, jobId)).map((r) => r.outcome)).toEqual(["ok", "unknown"]);

    const behind = await finishedJob(s.deps, queued);
    expect(behind.status).toBe("failed");
    expect(stepEnds(behind.transcript)).toMatchObject([{ index: 0, outcome: "not-run", code: "SSH_UNREACHABLE" }]);
    expect(await auditRows(s.db, queued)).toEqual([
      { argv: ["touch", "--", `${lab.runDir}/kill-queued`], outcome: "failed", exitStatus: null },
    ]);
    expect(await exists(`${lab.runDir}/kill-queued`)).toBe(false);

    await lab.restartSshd();
    const next = await finishedJob(
      s.deps,
      await queuePlan(s.deps, hostId, "after restart", [{ argv: ["touch", "--", `${lab.runDir}/kill-next`], purpose: "next job" }]),
    );
    expect(next.status, next.error ?? "").toBe("succeeded");
    expect(await exists(`${lab.runDir}/kill-next`)).toBe(true);
  });

  it("connection silently cut (packets dropped, no FIN) and the step times out: unknown, not failed, since the kill could not be delivered", async () => {
    // Both directions: nothing reaches the host and nothing (not even an exit status) comes back.
    const cuts = [
      ["INPUT", "-p", "tcp", "--dport", "22", "-j", "DROP"],
      ["OUTPUT", "-p", "tcp", "--sport", "22", "-j", "DROP"],
    ];
    const jobId = await queuePlan(s.deps, hostId, "partitioned", [
      { argv: ["sleep", "8.3"], purpose: "a step that times out", timeoutMs: 1_500 },
    ]);
    await until("the step to run on the host", async () => ((await sleeping(lab, "8.3")) ? true : undefined));
    for (const c of cuts) expect((await lab.execInNs(["iptables", "-I", ...c])).code).toBe(0);
    try {
      const job = await finishedJob(s.deps, jobId);
      expect(job.status).toBe("unknown");
      expect(stepEnds(job.transcript)).toMatchObject([{ index: 0, outcome: "connection-lost", exitStatus: null }]);
      expect(await auditRows(s.db, jobId)).toEqual([{ argv: ["sleep", "8.3"], outcome: "unknown", exitStatus: null }]);
    } finally {
      for (const c of cuts) await lab.execInNs(["iptables", "-D", ...c]);
    }
    // Once packets flow again the next job runs (on the old connection or a new one).
    const next = await finishedJob(s.deps, await queuePlan(s.deps, hostId, "after the cut", [{ argv: ["true"], purpose: "next job" }]));
    expect(next.status, next.error ?? "").toBe("succeeded");
  });

  it("sshd at MaxSessions 2: a probe's concurrent reads, page reads and a plan all queue and succeed", async () => {
    const jobService = await import("../services/job-service");
    const { readFromHost } = await import("../services/host-read");
    const { readLiveNetwork } = await import("../services/network/network-read");
    const plan = Array.from({ length: 6 }, (_, i) => ({ argv: ["sh", "-c", `sleep 0.2; echo step${i}`], purpose: `step ${i}` }));
    const probe = await jobService.startProbe(s.deps, { hostId: narrowId });
    const planJob = await queuePlan(s.deps, narrowId, "plan on a narrow host", plan);
    // Reads run outside the per-host job lock, so they compete with the jobs for sessions.
    const reads = await Promise.all([
      ...Array.from({ length: 12 }, (_, i) => readFromHost(s.deps, narrowId, ["sh", "-c", `sleep 0.1; echo read${i}`])),
      readLiveNetwork(s.deps, narrowId).then(() => null),
    ]);
    for (const [i, r] of reads.entries()) {
      if (r === null) continue;
      expect(r, `read ${i}`).toMatchObject({ outcome: "exited", exitStatus: 0, stdout: `read${i}\n` });
    }
    const probed = await finishedJob(s.deps, probe.jobId);
    expect(probed.status, probed.error ?? "").toBe("succeeded");
    expect(stepEnds(probed.transcript).filter((e) => e.outcome !== "exited")).toEqual([]);
    // The probe's steps run (and flush the transcript) concurrently: none may be missing from it.
    const ended = stepEnds(probed.transcript)
      .map((e) => e.index)
      .sort((a, b) => a - b);
    expect(ended).toEqual(Array.from({ length: ended.length }, (_, i) => i));
    expect(ended.length).toBe(await s.db.auditEvent.count({ where: { jobId: probe.jobId } }));
    const planned = await finishedJob(s.deps, planJob);
    expect(planned.status, planned.error ?? "").toBe("succeeded");
    expect((await auditRows(s.db, planJob)).map((r) => r.outcome)).toEqual(plan.map(() => "ok"));
  });
});
