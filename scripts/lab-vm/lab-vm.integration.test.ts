// The tier-2 harness itself: the VM boots from the cached image (built here on first use,
// a few minutes), answers SSH with the pinned host key, has LVM and the extra disk under
// its stable serial, and stop() leaves no QEMU and no run directory behind.
import { access } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SshPool } from "../../server/ssh/pool";
import { processAlive } from "../lab-host/netns";
import { labVmsSupported, LVM_DISK_SERIAL, startLabVm, type LabVm } from ".";

const support = labVmsSupported();
// Cold: image build (about 2 min) plus boot under TCG on a busy 2-core machine.
const SETUP_TIMEOUT_MS = 15 * 60_000;

const exists = (f: string) =>
  access(f).then(
    () => true,
    () => false,
  );

describe.skipIf(!support.ok)(`lab VM harness${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  let vm: LabVm;
  const pool = new SshPool();

  beforeAll(async () => {
    vm = await startLabVm({ extraDisks: [{ serial: "labdeck-extra", sizeBytes: 64 * 2 ** 20 }] });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await pool.closeAll();
    if (vm !== undefined && (await exists(vm.dir))) await vm.stop();
  }, 60_000);

  it("runs LVM tools over SSH as root, with the host key pinned", async () => {
    expect(vm.target().pinnedFingerprint).toMatch(/^SHA256:/);
    const r = await pool.exec(vm.target(), ["pvs", "--version"]);
    expect(r.exitStatus).toBe(0);
    expect(r.stdout).toMatch(/LVM version:\s+2\.\d+/);
    const who = await pool.exec(vm.target(), ["sh", "-c", 'id -u; test -d "$1" && echo run-dir-ok', "sh", vm.runDir]);
    expect(who.stdout.split("\n")).toEqual(["0", "run-dir-ok", ""]);
  });

  it("shows the LVM disk and the extra disk by serial, empty and at their sizes", async () => {
    const r = await pool.exec(vm.target(), ["lsblk", "-J", "-b", "-d", "-o", "NAME,SIZE,SERIAL,FSTYPE"]);
    expect(r.exitStatus).toBe(0);
    const devices = (
      JSON.parse(r.stdout) as { blockdevices: { name: string; size: number; serial: string | null; fstype: string | null }[] }
    ).blockdevices;
    expect(devices.find((d) => d.serial === LVM_DISK_SERIAL)).toMatchObject({ size: 2 * 2 ** 30, fstype: null });
    expect(devices.find((d) => d.serial === "labdeck-extra")).toMatchObject({ size: 64 * 2 ** 20, fstype: null });
    const byId = await pool.exec(vm.target(), ["readlink", "-f", `/dev/disk/by-id/virtio-${LVM_DISK_SERIAL}`]);
    expect(byId.stdout.trim()).toMatch(/^\/dev\/vd[b-z]$/);
  });

  it("answers QMP", async () => {
    expect(await vm.qmp("query-status")).toMatchObject({ running: true, status: "running" });
  });

  it("stops: QEMU gone, run directory removed", async () => {
    const { qemuPid, dir } = vm;
    await pool.closeAll();
    await vm.stop();
    expect(await processAlive(qemuPid)).toBe(false);
    expect(await exists(dir)).toBe(false);
  }, 60_000);
});
