import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labHostsSupported, type LabHost } from "../../scripts/lab-host";
import { useTempDataDir } from "../test-support/temp-data";
import { addPinnedLabHosts, startLabHosts, stopAll } from "../test-support/many-hosts";
import { stepEnds } from "../test-support/fault-jobs";

// Issue 11: a hundred real hosts probed at once must all succeed. Before, all hundred jobs
// ran together (load 56 on 2 cores) and some steps timed out in the crowd. Now probe jobs
// wait queued for a slot (LABDECK_PROBE_CONCURRENCY) and each phase of reads is one round
// trip, every command still its own step and audit row. Asserted: every job succeeded with
// every step exited, each host's capabilities are its own, each command is audited, and no
// more probes ran at once than the limit (from the jobs' own start and end times).

const support = labHostsSupported();
const HOSTS = 100;
const LIMIT = 8;
const actor = { userId: null, username: "tester" };

describe.skipIf(!support.ok)(`probing ${HOSTS} hosts at once${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  let labs: LabHost[] = [];
  let ids: string[] = [];
  let s: Awaited<ReturnType<typeof load>>;

  async function load() {
    const { db } = await import("../db");
    const { runtime, runtimeDeps } = await import("../test-support/runtime");
    const jobService = await import("./job-service");
    const rt = runtime();
    return { db, rt, jobService, deps: runtimeDeps(rt, actor) };
  }

  beforeAll(async () => {
    process.env.LABDECK_PROBE_CONCURRENCY = String(LIMIT);
    await useTempDataDir();
    const started = await startLabHosts(HOSTS, `scale${process.pid % 1000}-`);
    labs = started.hosts;
    if (started.error !== null) throw started.error;
    s = await load();
    ids = await addPinnedLabHosts(s.deps, labs, "scale");
  }, 600_000);

  afterAll(async () => {
    await s?.rt.jobs.idle();
    await s?.rt.ssh.closeAll();
    await stopAll(labs);
  }, 600_000);

  it("probes every host with 0 failures, each command audited, at most the limit at once", async () => {
    const jobs = await Promise.all(ids.map((hostId) => s.jobService.startProbe(s.deps, { hostId })));
    await s.rt.jobs.idle();
    const rows = await s.db.job.findMany({ where: { id: { in: jobs.map((j) => j.jobId) } } });
    expect(rows.filter((r) => r.status !== "succeeded").map((r) => `${r.title}: ${r.status} ${r.error ?? ""}`)).toEqual([]);

    const hosts = await s.db.host.findMany({ where: { id: { in: ids } } });
    for (const h of hosts) {
      const caps = JSON.parse(h.probeJson ?? "null") as { arch: string; tun: { device: boolean }; ip: { path: string } | null } | null;
      expect(caps?.arch, h.name).toBe("x86_64");
      expect(caps?.tun.device, h.name).toBe(true);
      expect(caps?.ip?.path, h.name).toBe("/usr/sbin/ip");
    }

    for (const job of rows) {
      const ends = stepEnds(job.transcript);
      expect(
        ends.filter((e) => e.outcome !== "exited"),
        job.title,
      ).toEqual([]);
      const audited = await s.db.auditEvent.findMany({ where: { jobId: job.id }, select: { argvJson: true, outcome: true } });
      // One row per command, never one for the batch script that carried them.
      expect(audited.length, job.title).toBe(ends.length);
      const argvs = audited.map((a) => JSON.parse(a.argvJson ?? "[]") as string[]);
      expect(
        argvs.some((a) => a[0] === "sh"),
        job.title,
      ).toBe(false);
      expect(argvs).toContainEqual(["uname", "-m"]);
      expect(argvs).toContainEqual(["cat", "/proc/cpuinfo"]);
      expect(audited.filter((a) => a.outcome === "failed" || a.outcome === "unknown")).toEqual([]);
    }

    // The most probes running at any moment, from their recorded start and end.
    const edges = rows.flatMap((r) => [
      { t: r.startedAt?.getTime() ?? 0, d: 1 },
      { t: r.finishedAt?.getTime() ?? 0, d: -1 },
    ]);
    edges.sort((a, b) => a.t - b.t || a.d - b.d);
    let running = 0;
    let peak = 0;
    for (const e of edges) peak = Math.max(peak, (running += e.d));
    expect(peak).toBeLessThanOrEqual(LIMIT);
    expect(peak).toBeGreaterThan(1);
  }, 600_000);
});
