import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabVm } from "../../../scripts/lab-vm";
import { LVM_DISK_SERIAL } from "../../../scripts/lab-vm/lab-vm";
import { labVmsSupported } from "../../../scripts/lab-vm/support";
import { useTempDataDir } from "../../test-support/temp-data";
import { errorOf } from "../../test-support/waits";

// The storage workflow through the services and the real job runner on the lab VM (a
// Debian guest with LVM and an empty disk): the page's read (LVM, free disk, image
// files), preview without touching the host, a VG and an ext4 LV made and grown by jobs,
// a shrink below the used space refused naming the field, and the audit trail. Effects
// are read back over the VM's own SSH, not from Labdeck's model.

const support = labVmsSupported();
const VG = "itvg";
const actor = { userId: null, username: "tester" };
let vm: LabVm;
let hostId: string;
let ctx: Awaited<ReturnType<typeof load>>;

async function load() {
  const { db } = await import("../../db");
  const { runtime, runtimeDeps } = await import("../../test-support/runtime");
  const rt = runtime();
  return {
    db,
    rt,
    deps: runtimeDeps(rt, actor),
    view: await import("./storage-view"),
    change: await import("./storage-change"),
    hosts: await import("../host-service"),
  };
}

async function onVm(argv: string[]): Promise<string> {
  const r = await ctx.rt.ssh.exec(vm.target(), argv, { timeoutMs: 60_000 });
  if (r.exitStatus !== 0) throw new Error(`${argv.join(" ")} failed on the VM: ${r.stderr}`);
  return r.stdout;
}

async function lvSize(vg: string, lv: string): Promise<number> {
  const out = await onVm(["lvs", "--reportformat", "json", "--units", "b", "--nosuffix", "-o", "lv_size", `${vg}/${lv}`]);
  const report = JSON.parse(out) as { report: { lv: { lv_size: string }[] }[] };
  return Number(report.report[0]?.lv[0]?.lv_size);
}

async function runAndWait(op: Record<string, unknown>) {
  const res = await ctx.change.runStorageChange(ctx.deps, { hostId, op });
  await ctx.rt.jobs.idle();
  const job = res.jobId ? await ctx.db.job.findUniqueOrThrow({ where: { id: res.jobId } }) : null;
  return { ...res, job };
}

describe.skipIf(!support.ok)(`storage changes on the lab VM${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  beforeAll(async () => {
    await useTempDataDir();
    const { startLabVm } = await import("../../../scripts/lab-vm");
    vm = await startLabVm();
    ctx = await load();
    const host = await ctx.hosts.createHost(ctx.deps, {
      name: "storage-vm",
      address: vm.address,
      port: vm.port,
      username: "root",
      runDir: vm.runDir,
      key: { source: "paste", privateKey: vm.privateKey },
    });
    const scan = await ctx.hosts.scanHostKey(ctx.deps, { id: host.id });
    expect(scan.presented).toBe(vm.hostKeyFingerprint);
    await ctx.hosts.pinHostKey(ctx.deps, { id: host.id, fingerprint: scan.presented, repin: false });
    hostId = host.id;
  }, 15 * 60_000);

  afterAll(async () => {
    await ctx?.rt.ssh.closeAll();
    await vm?.stop();
  }, 60_000);

  it("reads LVM, the empty disk as free, and the image files under the roots with their format", async () => {
    const images = `${vm.runDir}/images`;
    await onVm(["mkdir", "-p", `${images}/web`]);
    await onVm(["qemu-img", "create", "-q", "-f", "qcow2", `${images}/web/root.qcow2`, "64M"]);
    await onVm(["qemu-img", "create", "-q", "-f", "raw", `${images}/data.img`, "1M"]);
    await onVm(["touch", `${images}/notes.txt`]);

    const view = await ctx.view.storageView(ctx.deps, { hostId });
    expect(view.storage.lvmAvailable).toBe(true);
    expect(view.storage.vgs).toEqual([]);
    expect(view.storage.freeDisks.map((d) => d.serial)).toContain(LVM_DISK_SERIAL);
    expect(view.roots).toEqual([images]);
    expect(view.images).toEqual([
      { path: `${images}/data.img`, format: "raw", virtualSize: 2 ** 20, actualSize: expect.any(Number), backingFile: null },
      { path: `${images}/web/root.qcow2`, format: "qcow2", virtualSize: 64 * 2 ** 20, actualSize: expect.any(Number), backingFile: null },
    ]);
    expect(view.imageErrors).toEqual([]);
    // The page's read is one audit row with every command inside, none a row of its own.
    const alone = await ctx.db.auditEvent.findMany({ where: { hostId, kind: "command" } });
    expect(alone.filter((a) => ["pvs", "vgs", "lvs", "lsblk", "findmnt", "df"].includes(JSON.parse(a.argvJson ?? "[]")[0]))).toEqual([]);
    const [read, ...more] = await ctx.db.auditEvent.findMany({ where: { hostId, kind: "read", action: "storage.read" } });
    expect(more).toEqual([]);
    const commands = (JSON.parse(read?.detailsJson ?? "{}") as { commands: { argv: string[] }[] }).commands;
    const argvs = commands.map((c) => c.argv);
    expect(argvs.map((a) => a[0])).toEqual(expect.arrayContaining(["pvs", "vgs", "lvs", "lsblk", "findmnt", "find", "sh"]));
    // Each image is read with its format forced from its magic (-f), never probed by qemu-img.
    const infos = argvs.filter((a) => a[0] === "sh" && (a[2] ?? "").includes("qemu-img info"));
    expect(infos.map((a) => a[4]).sort()).toEqual([`${images}/data.img`, `${images}/web/root.qcow2`]);
    for (const a of infos) expect(a[2]).toContain('qemu-img info -U -f "$f"');
  });

  it("previews a VG on the free disk without touching the host", async () => {
    const view = await ctx.view.storageView(ctx.deps, { hostId });
    const disk = view.storage.freeDisks.find((d) => d.serial === LVM_DISK_SERIAL)?.path ?? "";
    const p = await ctx.change.previewStorageChange(ctx.deps, {
      hostId,
      op: { op: "vg.create", name: VG, devices: [disk], extentSize: "8M" },
    });
    expect(p.nothingToDo).toBe(false);
    expect(p.script).toContain(`vgcreate -s 8M ${VG} ${disk}`);
    expect(p.title).toContain("storage-vm");
    expect(await onVm(["vgs", "--noheadings", "-o", "vg_name"])).not.toContain(VG);
  });

  it("refuses a malformed op naming the op's own field, before reading the host", async () => {
    const err = await errorOf(
      ctx.change.previewStorageChange(ctx.deps, { hostId, op: { op: "lv.create", vg: VG, name: "-bad", size: "1G" } }),
    );
    expect(err.code).toBe("BAD_INPUT");
    expect(err.field).toBe("op.name");
  });

  it("creates the VG and an ext4 LV mounted on the VM, as jobs, with the audit trail", async () => {
    const view = await ctx.view.storageView(ctx.deps, { hostId });
    const disk = view.storage.freeDisks.find((d) => d.serial === LVM_DISK_SERIAL)?.path ?? "";
    const vg = await runAndWait({ op: "vg.create", name: VG, devices: [disk], extentSize: "8M" });
    expect(vg.job?.status).toBe("succeeded");
    expect((await onVm(["vgs", "--noheadings", "-o", "vg_name,vg_extent_size", "--units", "b", "--nosuffix"])).trim().split(/\s+/)).toEqual(
      [VG, String(8 * 2 ** 20)],
    );

    const lv = await runAndWait({ op: "lv.create", vg: VG, name: "data", size: "256M", filesystem: "ext4", mountpoint: "/mnt/itdata" });
    expect(lv.job?.status).toBe("succeeded");
    expect(await lvSize(VG, "data")).toBe(256 * 2 ** 20);
    expect((await onVm(["findmnt", "-n", "-o", "SOURCE,FSTYPE", "/mnt/itdata"])).trim()).toBe(`/dev/mapper/${VG}-data ext4`);

    const after = await ctx.view.storageView(ctx.deps, { hostId });
    const row = after.storage.lvs.find((l) => l.vg === VG && l.name === "data");
    expect(row).toMatchObject({ filesystem: "ext4", mountpoints: ["/mnt/itdata"], sizeBytes: 256 * 2 ** 20 });
    const [dfSize = "", dfAvail = ""] =
      (await onVm(["df", "-B1", "--output=size,avail", "/mnt/itdata"])).trim().split("\n")[1]?.trim().split(/\s+/) ?? [];
    expect(row?.usage).toMatchObject({ sizeBytes: Number(dfSize), availBytes: Number(dfAvail) });
    const events = await ctx.db.auditEvent.findMany({ where: { hostId, action: "storage.change" } });
    expect(events.map((e) => (JSON.parse(e.detailsJson ?? "{}") as { op: { op: string } }).op.op)).toEqual(["vg.create", "lv.create"]);
  }, 180_000);

  it("grows the LV and its filesystem online", async () => {
    const res = await runAndWait({ op: "lv.grow", vg: VG, lv: "data", size: "384M" });
    expect(res.job?.status).toBe("succeeded");
    expect(await lvSize(VG, "data")).toBe(384 * 2 ** 20);
    const df = await onVm(["df", "-B1", "--output=size", "/mnt/itdata"]);
    expect(Number(df.trim().split("\n")[1])).toBeGreaterThan(300 * 2 ** 20);
  }, 120_000);

  it("refuses a shrink below the space the filesystem uses, naming op.size, and changes nothing", async () => {
    await onVm(["fallocate", "-l", "200M", "/mnt/itdata/fill"]);
    const err = await errorOf(
      ctx.change.runStorageChange(ctx.deps, { hostId, op: { op: "lv.shrink", vg: VG, lv: "data", size: "128M", confirm: `${VG}/data` } }),
    );
    expect(err.code).toBe("BAD_INPUT");
    expect(err.field).toBe("op.size");
    expect(await lvSize(VG, "data")).toBe(384 * 2 ** 20);
    expect((await onVm(["findmnt", "-n", "-o", "TARGET", `/dev/mapper/${VG}-data`])).trim()).toBe("/mnt/itdata");
  }, 120_000);
});
