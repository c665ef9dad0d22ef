import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabVm } from "../../scripts/lab-vm";
import { labVmsSupported } from "../../scripts/lab-vm/support";
import { useTempDataDir } from "../test-support/temp-data";
import { auditRows, finishedJob, queuePlan, stepEnds } from "../test-support/fault-jobs";
import { until } from "../test-support/waits";

// Fault matrix row 2 (docs/reliability.md): the host reboots under a running job. The host
// is the tier-2 lab VM (a Debian guest under TCG), reset through QMP `system_reset` while
// a long step runs: no FIN reaches Labdeck, the guest's TCP state is simply gone. The job
// must end unknown (never succeeded, never hang), the host's lock must be free, and once
// the VM is back Labdeck reconnects by itself with the same pinned key and runs the next job.
// Slow by nature (two boots under TCG): one file, one test.

const support = labVmsSupported();
const actor = { userId: null, username: "tester" };
const BOOT_MS = 240_000;

async function load() {
  const { db } = await import("../db");
  const { runtime, runtimeDeps } = await import("../test-support/runtime");
  const rt = runtime();
  return {
    db,
    rt,
    deps: runtimeDeps(rt, actor),
    hosts: await import("../services/host-service"),
  };
}

describe.skipIf(!support.ok)(`host rebooted during a job${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  let vm: LabVm;
  let hostId: string;
  let s: Awaited<ReturnType<typeof load>>;

  beforeAll(async () => {
    await useTempDataDir();
    const { startLabVm } = await import("../../scripts/lab-vm");
    vm = await startLabVm({ lvmDiskBytes: 64 * 2 ** 20, bootTimeoutMs: BOOT_MS });
    s = await load();
    const host = await s.hosts.createHost(s.deps, {
      name: "reboot-vm",
      address: vm.address,
      port: vm.port,
      username: "root",
      runDir: vm.runDir,
      key: { source: "paste", privateKey: vm.privateKey },
    });
    const scan = await s.hosts.scanHostKey(s.deps, { id: host.id });
    expect(scan.presented).toBe(vm.hostKeyFingerprint);
    await s.hosts.pinHostKey(s.deps, { id: host.id, fingerprint: scan.presented, repin: false });
    hostId = host.id;
  }, BOOT_MS + 60_000);

  afterAll(async () => {
    await s?.rt.jobs.idle();
    await s?.rt.ssh.closeAll();
    await vm?.stop();
  }, 60_000);

  it("reset mid-step: job unknown, lock freed, reconnects with the pinned key after boot, next job succeeds", async () => {
    const { readFromHost } = await import("../services/host-read");
    const bootId = async () => (await readFromHost(s.deps, hostId, ["cat", "/proc/sys/kernel/random/boot_id"], 30_000)).stdout.trim();
    const before = await bootId();

    const jobId = await queuePlan(s.deps, hostId, "interrupted by a reboot", [
      { argv: ["true"], purpose: "a step that completes" },
      { argv: ["sleep", "600"], purpose: "a long step" },
      { argv: ["touch", "--", `${vm.runDir}/after-reboot-mark`], purpose: "must not run" },
    ]);
    await until("the long step to start", async () =>
      s.rt.jobs.liveEvents(jobId)?.some((e) => e.type === "step-start" && e.index === 1) ? true : undefined,
    );
    // Give the exec request time to reach the guest before it is reset.
    await new Promise((r) => setTimeout(r, 1_000));
    await vm.qmp("system_reset");

    const job = await finishedJob(s.deps, jobId, 180_000);
    expect(job.status).toBe("unknown");
    expect(stepEnds(job.transcript).map((e) => [e.index, e.outcome, e.exitStatus])).toEqual([
      [0, "exited", 0],
      [1, "connection-lost", null],
    ]);
    expect((await auditRows(s.db, jobId)).map((r) => [r.argv[0], r.outcome])).toEqual([
      ["true", "ok"],
      ["sleep", "unknown"],
    ]);

    // Labdeck's own reads, through its own pool: they fail while the VM boots, then succeed
    // over a new connection whose host key is still the pinned one.
    const after = await until(
      "the rebooted host to answer Labdeck",
      () =>
        bootId().then(
          (id) => id || undefined,
          () => undefined,
        ),
      BOOT_MS,
      2_000,
    );
    expect(after).not.toBe(before);
    const pinned = await s.db.host.findUniqueOrThrow({ where: { id: hostId } });
    expect(pinned.hostKeyFingerprint).toBe(vm.hostKeyFingerprint);

    const next = await finishedJob(
      s.deps,
      await queuePlan(s.deps, hostId, "after the reboot", [{ argv: ["touch", "--", `${vm.runDir}/next-mark`], purpose: "next job" }]),
    );
    expect(next.status, next.error ?? "").toBe("succeeded");
    const mark = await readFromHost(s.deps, hostId, [
      "sh",
      "-c",
      'test -e "$1" && echo yes; test -e "$2" || echo no',
      "sh",
      `${vm.runDir}/next-mark`,
      `${vm.runDir}/after-reboot-mark`,
    ]);
    expect(mark.stdout).toBe("yes\nno\n");
  }, 480_000);
});
