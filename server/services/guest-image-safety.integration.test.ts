import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabHost } from "../../scripts/lab-host";
import { useTempDataDir } from "../test-support/temp-data";
import { errorOf, until } from "../test-support/waits";

// A guest must never reach the host through its own disk. Real crafted images on a lab
// host, booted with the tiny guest under TCG through the services and the job runner:
// raw disks whose first bytes a probing QEMU would read as a VMDK descriptor or a qcow2
// with a data file (both naming a file outside the roots), and real qcow2 images with a
// backing file or data file outside the roots. For each, the start is refused naming
// the field, or the guest runs and its writes land in its own file; the outside file's
// checksum never changes. Also: delete-with-images keeps files Labdeck did not create,
// and two saves taking one MAC at once cannot both win.

let lab: LabHost;
let hostId: string;
let ctx: Awaited<ReturnType<typeof load>>;
let images: string;
let outside: string;
const actor = { userId: null, username: "tester" };
const MARK = "LABDECK-GUEST-WROTE-THIS";

async function load() {
  const { db } = await import("../db");
  const { runtime, runtimeDeps } = await import("../test-support/runtime");
  const rt = runtime();
  return {
    db,
    rt,
    deps: runtimeDeps(rt, actor),
    guests: await import("./guest-service"),
    actions: await import("./guest-actions"),
    state: await import("./guest-state"),
    reads: await import("./guest-reads"),
    images: await import("./guest-images"),
    hostRead: await import("./host-read"),
    target: await import("./host-target"),
  };
}

const sh = async (script: string) => {
  const r = await lab.execInNs(["sh", "-euc", script]);
  if (r.code !== 0) throw new Error(`${script}: ${r.stderr}`);
  return r.stdout;
};
const sha = async (file: string) => (await sh(`sha256sum -- "${file}"`)).split(" ")[0] ?? "";

async function run(id: string, action: import("./guest-actions").GuestAction, removeImages = false) {
  const { jobId } = await ctx.actions.runGuestAction(ctx.deps, { id, action, removeImages });
  await ctx.rt.jobs.idle();
  return ctx.db.job.findUniqueOrThrow({ where: { id: jobId } });
}

const kernelBoot = () => ({
  kind: "kernel" as const,
  kernel: `${images}/vmlinuz`,
  initrd: `${images}/initramfs.cpio.gz`,
  append: "console=ttyS0 quiet panic=-1",
});
const guestWith = (name: string, disks: import("../hypervisors/qemu/guest-definition").TGuestDefinitionInput["disks"]) => ({
  name,
  accel: "tcg" as const,
  machine: "pc",
  memoryMiB: 256,
  disks,
  boot: kernelBoot(),
  nics: [],
});

/** Types a line into the guest's serial console and waits for `expected` to come back. */
async function onConsole(guestId: string, line: string, expected: string): Promise<void> {
  const g = await ctx.guests.getGuest(ctx.db, guestId);
  const target = await ctx.target.hostTarget(ctx.db, ctx.rt.secret, hostId);
  const stream = await ctx.rt.ssh.openStreamLocal(target, g.files.serialSocket);
  let seen = "";
  stream.on("data", (c: Buffer) => (seen += c.toString("utf8")));
  try {
    stream.write(`${line}\n`);
    await until(`"${expected}" on the console`, async () => (seen.includes(expected) ? true : undefined), 30_000);
  } finally {
    stream.destroy();
  }
}

beforeAll(async () => {
  await useTempDataDir();
  const { startLabHost } = await import("../../scripts/lab-host");
  const { installTinyGuest } = await import("../../scripts/guest-image/install");
  lab = await startLabHost();
  images = `${lab.runDir}/images`;
  outside = `${lab.dir}/outside`;
  await installTinyGuest(lab.runDir);
  ctx = await load();
  const { addPinnedLabHost } = await import("../test-support/inventory-host");
  hostId = await addPinnedLabHost(ctx.deps, lab, "img-host");
  // QEMU drops to nobody after opening its files (nobody exists on every Debian host).
  await ctx.db.host.update({ where: { id: hostId }, data: { qemuRunAs: "nobody" } });
  await sh(`
    mkdir -p "${outside}" "${images}/crafted"
    cd "${outside}"
    head -c 1048576 /dev/urandom > vmdk-victim.bin
    head -c 1048576 /dev/urandom > backing-victim.raw
    # qemu-img create makes (and empties) a data file: fill the victims after.
    qemu-img create -q -f qcow2 -o data_file="${outside}/hdr-victim.bin" "${outside}/hdr-template.qcow2" 1M
    qemu-img create -q -f qcow2 -o data_file="${outside}/df-victim.bin" "${images}/crafted/data-file.qcow2" 1M
    head -c 1048576 /dev/urandom > hdr-victim.bin
    head -c 1048576 /dev/urandom > df-victim.bin
    qemu-img create -q -f qcow2 -b "${outside}/backing-victim.raw" -F raw "${images}/crafted/backing-outside.qcow2" 1M
    cd "${images}/crafted"
    # A descriptor qemu-img reads with exactly one extent (checked by hand on QEMU 7.2:
    # opened as vmdk, a write to it lands in the victim; opened as raw, in this file).
    printf '# Disk DescriptorFile\\nversion=1\\nCID=fffffffe\\nparentCID=ffffffff\\ncreateType="monolithicFlat"\\n\\n# Extent description\\nRW 2048 FLAT "${outside}/vmdk-victim.bin" 0\\n\\n# The Disk Data Base\\nddb.virtualHWVersion = "4"\\n' > vmdk-descriptor.raw
    truncate -s 1M vmdk-descriptor.raw
    cp "${outside}/hdr-template.qcow2" qcow2-header.raw
    truncate -s 1M qcow2-header.raw
  `);
}, 180_000);

afterAll(async () => {
  await ctx?.rt.ssh.closeAll();
  await lab?.stop();
});

describe("raw disks carrying another format's header", () => {
  it.each([
    [
      "a VMDK descriptor with a FLAT extent naming an outside file",
      "vmdk-descriptor.raw",
      "vmdk-victim.bin",
      "vmdk",
      /looks like a vmdk image/,
    ],
    ["a qcow2 header with data-file= an outside file", "qcow2-header.raw", "hdr-victim.bin", "qcow2", /external data file/],
  ])(
    "%s: the one-time read refuses to suggest it, and as raw the guest's writes stay in its own file",
    async (_what, file, victim, detected, problem) => {
      const disk = `${images}/crafted/${file}`;
      const victimPath = `${outside}/${victim}`;
      const before = await sha(victimPath);
      // The hazard is real: qemu-img's own probe reads this raw file as a format naming the victim.
      const probed = JSON.parse(await sh(`qemu-img info --output=json -- "${disk}"`)) as { format: string };
      expect(probed.format).toBe(detected);
      expect(await sh(`qemu-img info --output=json -- "${disk}"`)).toContain(victimPath);
      const read = await ctx.images.readImageFormat((argv) => ctx.hostRead.readFromHost(ctx.deps, hostId, argv), disk, [images]);
      expect(read).toMatchObject({ detected, format: null, problem: expect.stringMatching(problem) });

      const name = file.startsWith("vmdk") ? "rawvmdk" : "rawqcow";
      const g = await ctx.guests.createGuest(ctx.deps, {
        hostId,
        definition: guestWith(name, [{ kind: "existing-image", path: disk, format: "raw" }]),
      });
      const job = await run(g.id, "start");
      expect(job.status, job.error ?? "").toBe("succeeded");
      expect(JSON.parse(job.planJson).steps.at(-1).argv).toEqual(
        expect.arrayContaining([`file=${disk},format=raw,if=virtio,id=disk0`, "-sandbox", "-runas", "nobody"]),
      );
      await until(
        "the banner",
        async () => ((await ctx.reads.serialLogPage(ctx.deps, { id: g.id })).text.includes("labdeck tiny guest ready") ? true : undefined),
        60_000,
      );
      // QEMU really dropped to the unprivileged user.
      const pid = (await sh(`cat "${g.files.pidfile}"`)).trim();
      expect((await sh(`ps -o user= -p ${pid}`)).trim()).toBe("nobody");
      // The guest writes through its whole disk; a probing QEMU would send this to the victim.
      await onConsole(
        g.id,
        `echo ${MARK} | dd of=/dev/vda bs=512 seek=1 conv=notrunc,fsync 2>/dev/null; sync; echo wrote-$((6*7))`,
        "wrote-42",
      );
      expect(await run(g.id, "force-stop")).toMatchObject({ status: "succeeded" });
      expect(await sh(`dd if="${disk}" bs=512 skip=1 count=1 2>/dev/null | head -c ${MARK.length}`)).toBe(MARK);
      expect(await sha(victimPath)).toBe(before);
    },
    180_000,
  );
});

describe("qcow2 images that reach outside the roots", () => {
  it.each([
    [
      "a backing file outside the roots",
      "backing-outside.qcow2",
      "backing-victim.raw",
      /backing file ".*backing-victim.raw" is outside the host's roots/,
    ],
    ["an external data file", "data-file.qcow2", "df-victim.bin", /external data file ".*df-victim.bin"/],
  ])(
    "%s: the start is refused naming the disk, nothing runs, the outside file is unchanged",
    async (_what, file, victim, why) => {
      const disk = `${images}/crafted/${file}`;
      const before = await sha(`${outside}/${victim}`);
      const read = await ctx.images.readImageFormat((argv) => ctx.hostRead.readFromHost(ctx.deps, hostId, argv), disk, [images]);
      expect(read).toMatchObject({ detected: "qcow2", format: null, problem: expect.stringMatching(why) });
      const name = file.startsWith("backing") ? "qbacking" : "qdatafile";
      const g = await ctx.guests.createGuest(ctx.deps, {
        hostId,
        definition: guestWith(name, [{ kind: "existing-image", path: disk, format: "qcow2" }]),
      });
      const err = await errorOf(ctx.actions.runGuestAction(ctx.deps, { id: g.id, action: "start" }));
      expect(err).toMatchObject({ code: "BAD_INPUT", field: "definition.disks.0.path" });
      expect(err.message).toMatch(why);
      expect(await ctx.db.job.count({ where: { planJson: { contains: g.id } } })).toBe(0);
      expect((await ctx.state.readGuestState(ctx.deps, g.id, { fresh: true })).state).toBe("shut-off");
      expect(await sha(`${outside}/${victim}`)).toBe(before);
    },
    60_000,
  );

  it("refuses a definition saved before formats were stored, naming the format field, until one is chosen", async () => {
    const g = await ctx.guests.createGuest(ctx.deps, {
      hostId,
      definition: guestWith("legacy", [{ kind: "existing-image", path: `${images}/crafted/vmdk-descriptor.raw`, format: "raw" }]),
    });
    const stored = JSON.parse((await ctx.db.guest.findUniqueOrThrow({ where: { id: g.id } })).definitionJson);
    delete stored.disks[0].format;
    await ctx.db.guest.update({ where: { id: g.id }, data: { definitionJson: JSON.stringify(stored) } });
    expect((await ctx.guests.getGuest(ctx.db, g.id)).definition.disks[0]).not.toHaveProperty("format");
    const err = await errorOf(ctx.actions.runGuestAction(ctx.deps, { id: g.id, action: "start" }));
    expect(err).toMatchObject({ code: "BAD_INPUT", field: "definition.disks.0.format" });
  });
});

describe("delete with images", () => {
  it("removes the image Labdeck's start created and keeps files the definition merely names", async () => {
    await sh(`
      cd "${images}"
      qemu-img create -q -f raw kept-existing.raw 1M
      qemu-img create -q -f qcow2 kept-named-as-new.qcow2 1M
    `);
    const kept = [`${images}/kept-existing.raw`, `${images}/kept-named-as-new.qcow2`];
    const sums = await Promise.all(kept.map(sha));
    const g = await ctx.guests.createGuest(ctx.deps, {
      hostId,
      definition: guestWith("deleter", [
        { kind: "existing-image", path: kept[0] as string, format: "raw" },
        // Named as a new image but already there: Labdeck did not make it.
        { kind: "new-image", path: kept[1] as string, format: "qcow2", sizeBytes: 1024 * 1024 },
        { kind: "new-image", path: `${images}/made-by-labdeck.qcow2`, format: "qcow2", sizeBytes: 1024 * 1024 },
      ]),
    });
    expect((await run(g.id, "start")).status).toBe("succeeded");
    expect((await ctx.guests.getGuest(ctx.db, g.id)).createdImages).toEqual([`${images}/made-by-labdeck.qcow2`]);
    expect((await run(g.id, "force-stop")).status).toBe("succeeded");
    const { plan } = await ctx.actions.previewGuestAction(ctx.deps, { id: g.id, action: "delete", removeImages: true });
    expect(plan.steps.map((s) => s.argv.at(-1))).toEqual([`${lab.runDir}/guests/deleter`, `${images}/made-by-labdeck.qcow2`]);
    const job = await run(g.id, "delete", true);
    expect(job.status, job.error ?? "").toBe("succeeded");
    expect((await lab.execInNs(["test", "-e", `${images}/made-by-labdeck.qcow2`])).code).not.toBe(0);
    expect(await Promise.all(kept.map(sha))).toEqual(sums);
  }, 120_000);
});

describe("MACs across the inventory", () => {
  it("lets only one of two saves taking the same MAC at once win", async () => {
    const mac = "52:54:00:aa:bb:cc";
    const def = (name: string) => ({ ...guestWith(name, []), nics: [{ mac, network: { kind: "user" as const, restrict: true } }] });
    const results = await Promise.allSettled([
      ctx.guests.createGuest(ctx.deps, { hostId, definition: def("maca") }),
      ctx.guests.createGuest(ctx.deps, { hostId, definition: def("macb") }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected");
    expect(lost?.reason).toMatchObject({ code: "BAD_INPUT", field: "definition.nics.0.mac" });
  });

  it("refuses a vendor or all-zero MAC at the API edge, naming the NIC", async () => {
    for (const mac of ["00:16:3e:01:02:03", "00:00:00:00:00:00", "01:00:5e:00:00:01"]) {
      const err = await errorOf(
        ctx.guests.createGuest(ctx.deps, {
          hostId,
          definition: { ...guestWith("badmac", []), nics: [{ mac, network: { kind: "user" as const } }] },
        }),
      );
      expect(err).toMatchObject({ code: "BAD_INPUT", field: "definition.nics.0.mac" });
    }
  });
});
