// Storage plans on a real Debian lab VM (device-mapper and LVM need a kernel of their
// own): every plan is built from a fresh read of the VM's storage, run step by step over
// SSH, and judged by what the VM reports afterwards (blockdev, df, sha256sum, lvs,
// qemu-img info), never by the plan's own word. One VM for the whole file; the tests
// build on each other in order (the volume made in the first is grown, shrunk and
// snapshotted by the next ones).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labVmsSupported, startLabVm, type LabVm } from "../../scripts/lab-vm";
import { LabdeckError } from "../errors";
import { SshPool } from "../ssh/pool";
import type { TStorageOp } from "./ops";
import { buildStoragePlan, storageOpReads, type StoragePlan } from "./plan/build-storage-plan";
import { fstabAppendArgv, fstabRemoveArgv } from "./plan/fs-steps";
import { runPlanSteps, type StepsRun } from "../test-support/plan-steps";
import { storageReadSteps } from "./read-commands";
import { buildHostStorage, type StorageReadOutputs, type THostStorage } from "./storage-model";

const support = labVmsSupported();
const MiB = 2 ** 20;
const SPARE_DISK = "/dev/disk/by-id/virtio-labdeck-lvm";
const IMAGES = "/var/lib/labdeck/images";

describe.skipIf(!support.ok)(`storage plans on the lab VM${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  let vm: LabVm;
  const pool = new SshPool();
  let originalSum = "";

  async function sh(argv: string[]): Promise<string> {
    const r = await pool.exec(vm.target(), argv, { timeoutMs: 120_000 });
    if (r.outcome !== "exited" || r.exitStatus !== 0)
      throw new Error(`${argv.join(" ")}: ${r.outcome} ${String(r.exitStatus)} ${r.stderr}`);
    return r.stdout;
  }

  async function readStorage(): Promise<THostStorage> {
    const steps = storageReadSteps();
    const results = await Promise.all(steps.map((s) => pool.exec(vm.target(), s.argv, { timeoutMs: 60_000 })));
    const outputs: StorageReadOutputs = {};
    steps.forEach((s, i) => {
      const r = results[i];
      outputs[s.id] = r?.exitStatus === 0 ? r.stdout : null;
    });
    return buildHostStorage(outputs);
  }

  // Image ops do not depend on LVM state: test 7 reads the storage once for all of them.
  let storageOnce: THostStorage | null = null;

  async function plan(op: TStorageOp, usedBy: ReadonlyMap<string, string[]> = new Map()): Promise<StoragePlan> {
    const storage = storageOnce ?? (await readStorage());
    const reads = storageOpReads(storage, op);
    const answers = await Promise.all(reads.map((r) => sh(r.argv)));
    return buildStoragePlan(storage, op, {
      roots: [IMAGES],
      usedBy,
      reads: Object.fromEntries(reads.map((r, i) => [r.id, answers[i] ?? ""])),
    });
  }

  async function apply(op: TStorageOp): Promise<StepsRun> {
    const run = await runPlanSteps(pool, vm.target(), (await plan(op)).steps);
    if (!run.ok) throw new Error(`${op.op}: step "${run.failed?.purpose}" failed: ${run.failed?.result.stderr}`);
    return run;
  }

  async function refusal(op: TStorageOp): Promise<LabdeckError> {
    const err = await plan(op).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LabdeckError);
    return err as LabdeckError;
  }

  // One round trip for everything a test checks about the data volume.
  async function dataFacts(): Promise<{ lvBytes: number; fsBytes: number; sum: string; source: string }> {
    const out = await sh([
      "sh",
      "-c",
      'blockdev --getsize64 "$1"; df -B1 --output=size "$2" | tail -n 1; sha256sum "$2/blob" | cut -d " " -f 1; findmnt -n -o SOURCE "$2"',
      "sh",
      "/dev/labvg/data",
      "/mnt/data",
    ]);
    const [lv = "", fs = "", sum = "", source = ""] = out
      .trim()
      .split("\n")
      .map((l) => l.trim());
    return { lvBytes: Number(lv), fsBytes: Number(fs), sum, source };
  }

  beforeAll(async () => {
    vm = await startLabVm();
    await sh(["mkdir", "-p", IMAGES]);
  }, 10 * 60_000);

  afterAll(async () => {
    await pool.closeAll();
    await vm?.stop();
  }, 60_000);

  it("1. makes a PV and a VG on the spare disk, then a 64M ext4 LV mounted with an fstab line", async () => {
    await apply({ op: "pv.create", device: SPARE_DISK });
    await apply({ op: "vg.create", name: "labvg", devices: [SPARE_DISK], extentSize: "4M" });
    await apply({ op: "lv.create", vg: "labvg", name: "data", size: "64M", filesystem: "ext4", mountpoint: "/mnt/data", fstab: true });
    const storage = await readStorage();
    expect(storage.vgs).toEqual([expect.objectContaining({ name: "labvg", extentSizeBytes: 4 * MiB, pvNames: ["/dev/vdb"] })]);
    const data = storage.lvs.find((l) => l.name === "data");
    expect(data).toMatchObject({ sizeBytes: 64 * MiB, filesystem: "ext4", mountpoints: ["/mnt/data"] });
    const fstab = await sh(["cat", "/etc/fstab"]);
    expect(fstab).toContain(`UUID=${data?.filesystemUuid} /mnt/data ext4 defaults,nofail 0 2\n`);
    await sh(["dd", "if=/dev/urandom", "of=/mnt/data/blob", "bs=1M", "count=8", "conv=fsync", "status=none"]);
    const facts = await dataFacts();
    expect(facts).toMatchObject({ lvBytes: 64 * MiB, source: "/dev/mapper/labvg-data" });
    expect(facts.sum).toMatch(/^[0-9a-f]{64}$/);
    originalSum = facts.sum;
  }, 120_000);

  it("2. grows the LV online to 128M: the filesystem follows, the data stays", async () => {
    const before = await dataFacts();
    await apply({ op: "lv.grow", vg: "labvg", lv: "data", size: "128M" });
    const after = await dataFacts();
    expect(after.lvBytes).toBe(128 * MiB);
    expect(after.fsBytes).toBeGreaterThan(before.fsBytes + 56 * MiB);
    expect(after).toMatchObject({ sum: originalSum, source: "/dev/mapper/labvg-data" });
  }, 120_000);

  it("3. shrinks it to 96M through the plan: filesystem first, data intact, mounted again", async () => {
    const p = await plan({ op: "lv.shrink", vg: "labvg", lv: "data", size: "96M", confirm: "labvg/data" });
    expect(p.steps.map((s) => s.argv[0])).toEqual(["umount", "e2fsck", "resize2fs", "lvreduce", "mount"]);
    const run = await runPlanSteps(pool, vm.target(), p.steps);
    expect(run.failed?.result.stderr).toBeUndefined();
    const after = await dataFacts();
    expect(after.lvBytes).toBe(96 * MiB);
    expect(after.fsBytes).toBeLessThanOrEqual(96 * MiB);
    expect(after.fsBytes).toBeGreaterThan(80 * MiB);
    expect(after).toMatchObject({ sum: originalSum, source: "/dev/mapper/labvg-data" });
  }, 180_000);

  it("4. refuses a shrink below the used space and any xfs shrink, leaving data and sizes as they were", async () => {
    const tooSmall = await refusal({ op: "lv.shrink", vg: "labvg", lv: "data", size: "8M", confirm: "labvg/data" });
    expect(tooSmall.field).toBe("op.size");
    expect(tooSmall.message).toMatch(/too small for labvg\/data: .* used/);
    await apply({ op: "lv.create", vg: "labvg", name: "xfsvol", size: "320M", filesystem: "xfs", mountpoint: "/mnt/xfs" });
    await sh(["sh", "-c", "echo kept > /mnt/xfs/note && sync"]);
    const xfs = await refusal({ op: "lv.shrink", vg: "labvg", lv: "xfsvol", size: "304M", confirm: "labvg/xfsvol" });
    expect(xfs).toMatchObject({ field: "op.lv", message: expect.stringContaining("xfs cannot shrink") });
    const after = await dataFacts();
    expect(after).toMatchObject({ lvBytes: 96 * MiB, sum: originalSum, source: "/dev/mapper/labvg-data" });
    const xfsState = await sh(["sh", "-c", "blockdev --getsize64 /dev/labvg/xfsvol; cat /mnt/xfs/note; findmnt -n -o SOURCE /mnt/xfs"]);
    expect(xfsState.split("\n")).toEqual([String(320 * MiB), "kept", "/dev/mapper/labvg-xfsvol", ""]);
  }, 180_000);

  it("5. merges a snapshot back: the origin returns to the snapshot's content", async () => {
    await apply({ op: "snapshot.create", vg: "labvg", origin: "data", name: "data-snap", size: "32M" });
    await sh(["dd", "if=/dev/urandom", "of=/mnt/data/blob", "bs=1M", "count=8", "conv=fsync", "status=none"]);
    expect((await dataFacts()).sum).not.toBe(originalSum);
    const p = await plan({ op: "snapshot.merge", vg: "labvg", name: "data-snap" });
    expect(p.steps.map((s) => s.argv.slice(0, 2).join(" "))).toEqual([
      "umount /mnt/data",
      "lvconvert --merge",
      "lvchange -an",
      "lvchange -ay",
      expect.stringMatching(/^sh -c$/),
      "mount /dev/labvg/data",
    ]);
    const run = await runPlanSteps(pool, vm.target(), p.steps);
    expect(run.failed?.result.stderr).toBeUndefined();
    expect(run.ran).toHaveLength(p.steps.length);
    expect(await dataFacts()).toMatchObject({ sum: originalSum, lvBytes: 96 * MiB, source: "/dev/mapper/labvg-data" });
    const storage = await readStorage();
    expect(storage.lvs.map((l) => l.name).sort()).toEqual(["data", "xfsvol"]);
    expect(storage.lvs.find((l) => l.name === "data")?.attr.kind).toBe("linear");
  }, 180_000);

  it("6. a failed plan leaves no half-made volume, and the fstab undo removes exactly its line", async () => {
    await sh(["touch", "/root/notadir"]);
    const freeBefore = (await readStorage()).vgs[0]?.freeExtents;
    const p = await plan({
      op: "lv.create",
      vg: "labvg",
      name: "doomed",
      size: "16M",
      filesystem: "ext4",
      mountpoint: "/root/notadir/mnt",
    });
    const run = await runPlanSteps(pool, vm.target(), p.steps);
    expect(run.ok).toBe(false);
    expect(run.failed?.result.stderr).toMatch(/Not a directory/);
    expect(run.undone).toEqual([expect.stringContaining("create logical volume labvg/doomed")]);
    expect(run.undoFailures).toEqual([]);
    const after = await readStorage();
    expect(after.lvs.map((l) => l.name)).not.toContain("doomed");
    expect(after.vgs[0]?.freeExtents).toBe(freeBefore);
    const sum = () => sh(["sha256sum", "/etc/fstab"]);
    const fstabBefore = await sum();
    const line = "UUID=00000000-0000-4000-8000-000000000000 /mnt/none ext4 defaults,nofail 0 2";
    await sh(fstabAppendArgv(line));
    expect(await sh(["cat", "/etc/fstab"])).toContain(`\n${line}\n`);
    await sh(fstabRemoveArgv(line));
    expect(await sum()).toBe(fstabBefore);
  }, 120_000);

  it("7. creates, grows and converts image files, and makes ext4 and swap root files", async () => {
    const qcow = `${IMAGES}/disk.qcow2`;
    const raw = `${IMAGES}/disk.raw`;
    storageOnce = await readStorage();
    await apply({ op: "image.create", path: qcow, format: "qcow2", size: "64M" });
    expect((await refusal({ op: "image.create", path: qcow, format: "raw", size: "1M" })).field).toBe("op.path");
    expect((await refusal({ op: "image.create", path: "/root/outside.qcow2", format: "qcow2", size: "1M" })).field).toBe("op.path");
    await apply({ op: "image.resize", path: qcow, size: "128M" });
    await apply({ op: "image.convert", path: qcow, target: raw, format: "raw" });
    await apply({ op: "rootfile.create", path: `${IMAGES}/root.ext4`, size: "32M", filesystem: "ext4" });
    await apply({ op: "rootfile.create", path: `${IMAGES}/guest.swap`, size: "16M", filesystem: "swap" });
    const info = async (file: string) =>
      JSON.parse(await sh(["qemu-img", "info", "--output=json", file])) as { format: string; "virtual-size": number };
    const [q, r, , types, stats] = await Promise.all([
      info(qcow),
      info(raw),
      sh(["qemu-img", "compare", "-q", "-f", "qcow2", "-F", "raw", qcow, raw]),
      sh(["blkid", "-o", "value", "-s", "TYPE", `${IMAGES}/root.ext4`, `${IMAGES}/guest.swap`]),
      sh(["stat", "-c", "%s %a", `${IMAGES}/root.ext4`, `${IMAGES}/guest.swap`]),
    ]);
    expect([q.format, q["virtual-size"], r.format, r["virtual-size"]]).toEqual(["qcow2", 128 * MiB, "raw", 128 * MiB]);
    expect(types.split("\n")).toEqual(["ext4", "swap", ""]);
    expect(stats.split("\n")).toEqual([`${32 * MiB} 644`, `${16 * MiB} 600`, ""]);
  }, 120_000);
});
