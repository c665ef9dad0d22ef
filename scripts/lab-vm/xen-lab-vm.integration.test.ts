// The Xen dom0 lab VM: it boots Xen with Debian's generic kernel as dom0, answers SSH with
// the pinned key, the xl toolstack works, and a PV domU of the tiny guest (console on hvc0)
// prints its banner. stop() leaves no QEMU and no run directory behind.
import { access } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SshPool } from "../../server/ssh/pool";
import { processAlive } from "../lab-host/netns";
import type { LabVm } from "./lab-vm";
import { DOMU_NAME, installTinyDomU, waitForBanner } from "./xen-fixtures";
import { startXenLabVm, xenLabVmsSupported } from "./xen-lab-vm";

const support = xenLabVmsSupported();
// Cold: image build (about 5 min) plus a boot that took 167 s on a loaded 2-core machine.
const SETUP_TIMEOUT_MS = 20 * 60_000;

const exists = (f: string) =>
  access(f).then(
    () => true,
    () => false,
  );

describe.skipIf(!support.ok)(`Xen dom0 lab VM${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  let vm: LabVm;
  const pool = new SshPool();

  beforeAll(async () => {
    vm = await startXenLabVm({ bootTimeoutMs: 600_000 });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await pool.closeAll();
    if (vm !== undefined && (await exists(vm.dir))) await vm.stop();
  }, 60_000);

  it("runs xl info on Xen 4.17 with PV and HVM caps", async () => {
    const r = await pool.exec(vm.target(), ["xl", "info"]);
    expect(r.exitStatus).toBe(0);
    expect(r.stdout).toMatch(/^xen_version\s+: 4\.17\./m);
    expect(r.stdout).toMatch(/^virt_caps\s+: pv hvm/m);
    expect(r.stdout).toMatch(/^xen_commandline\s+: dom0_mem=1024M,max:1024M/m);
  });

  it("lists Domain-0 alone in xl list", async () => {
    const r = await pool.exec(vm.target(), ["xl", "list"]);
    expect(r.exitStatus).toBe(0);
    const rows = r.stdout.trim().split("\n");
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(/^Domain-0\s+0\s+1024\s+2\s/);
  });

  it("boots a PV domU of the tiny guest to its banner on hvc0, then destroys it", async () => {
    const cfg = await installTinyDomU(pool, vm);
    const created = await pool.exec(vm.target(), ["xl", "create", cfg], { timeoutMs: 120_000 });
    expect(created.exitStatus, created.stderr).toBe(0);
    await waitForBanner(pool, vm, DOMU_NAME, 180_000);
    const list = await pool.exec(vm.target(), ["xl", "list", DOMU_NAME]);
    expect(list.stdout).toMatch(new RegExp(`^${DOMU_NAME}\\s+\\d+\\s+128\\s+1\\s`, "m"));
    const destroyed = await pool.exec(vm.target(), ["xl", "destroy", DOMU_NAME]);
    expect(destroyed.exitStatus).toBe(0);
    expect((await pool.exec(vm.target(), ["xl", "list", DOMU_NAME])).exitStatus).not.toBe(0);
  }, 300_000);

  it("stops: QEMU gone, run directory removed", async () => {
    const { qemuPid, dir } = vm;
    await pool.closeAll();
    await vm.stop();
    expect(await processAlive(qemuPid)).toBe(false);
    expect(await exists(dir)).toBe(false);
  }, 60_000);
});
