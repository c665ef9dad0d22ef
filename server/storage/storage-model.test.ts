import { describe, expect, it } from "vitest";
import { buildHostStorage } from "./storage-model";
import { capturedOutputs as outputs } from "./fixtures/captured-storage";

const GiB = 2 ** 30;
const MiB = 2 ** 20;

describe("host storage from the fresh lab VM (no LVM yet)", () => {
  const s = buildHostStorage(outputs("fresh"));

  it("has LVM tools but no PVs, VGs or LVs", () => {
    expect(s.lvmAvailable).toBe(true);
    expect(s.pvs).toEqual([]);
    expect(s.vgs).toEqual([]);
    expect(s.lvs).toEqual([]);
  });

  it("offers every empty extra disk and never the root disk", () => {
    expect(s.freeDisks.map((d) => d.serial)).toEqual(["labdeck-lvm", "labdeck-free", "labdeck-fs", "labdeck-part", "labdeck-gpt"]);
    expect(s.freeDisks.find((d) => d.serial === "labdeck-lvm")).toMatchObject({ path: "/dev/vdb", sizeBytes: 2 * GiB });
    expect(s.blockDevices.find((d) => d.name === "vda")).toMatchObject({ fstype: "ext4", label: "labroot", mountpoint: "/" });
  });
});

describe("host storage from the lvm-lab capture", () => {
  const s = buildHostStorage(outputs("lvm-lab"));
  const lv = (name: string) => {
    const found = s.lvs.find((l) => l.name === name);
    if (found === undefined) throw new Error(`no LV ${name}`);
    return found;
  };

  it("reads the PV and its VG with extents in bytes", () => {
    expect(s.pvs).toEqual([
      expect.objectContaining({
        name: "/dev/vdb",
        vg: "labvg",
        sizeBytes: 2143289344,
        attr: expect.objectContaining({ allocatable: true, missing: false }),
      }),
    ]);
    const vg = s.vgs[0];
    expect(vg).toMatchObject({ name: "labvg", extentSizeBytes: 4 * MiB, extentCount: 511, freeExtents: 221, pvNames: ["/dev/vdb"] });
    expect(vg?.attr).toMatchObject({ writable: true, resizeable: true, exported: false, partial: false });
    // vgs' own numbers agree with each other: the model must not mix units.
    expect(vg?.sizeBytes).toBe((vg?.extentCount ?? 0) * (vg?.extentSizeBytes ?? 0));
    expect(vg?.freeBytes).toBe((vg?.freeExtents ?? 0) * (vg?.extentSizeBytes ?? 0));
  });

  it("decodes a linear ext4 LV that is an origin, mounted twice (once through a bind mount)", () => {
    expect(lv("data")).toMatchObject({
      sizeBytes: 256 * MiB,
      attr: { kind: "origin", active: true, open: true, writable: true, state: "active" },
      filesystem: "ext4",
      mountpoints: ["/mnt/bind", "/mnt/data"],
      path: "/dev/labvg/data",
      dmPath: "/dev/mapper/labvg-data",
      hidden: false,
    });
  });

  it("reads the xfs LV as plain linear", () => {
    expect(lv("xfsvol")).toMatchObject({
      sizeBytes: 320 * MiB,
      attr: { kind: "linear", open: true },
      filesystem: "xfs",
      mountpoints: ["/mnt/xfs"],
    });
  });

  it("reads the COW snapshot with its origin and how full it is", () => {
    const snap = lv("data-snap");
    expect(snap).toMatchObject({
      origin: "data",
      sizeBytes: 64 * MiB,
      attr: { kind: "snapshot", active: true, open: false, merging: false },
    });
    // 24 MiB written after the snapshot (16 of them to a new file) into 64 MiB of COW space.
    expect(snap.dataPercent).toBeGreaterThan(10);
    expect(snap.dataPercent).toBeLessThan(50);
    // A snapshot carries its origin's filesystem, UUID included: never identify an LV by it.
    expect(snap.filesystem).toBe("ext4");
    expect(snap.filesystemUuid).toBe(lv("data").filesystemUuid);
    expect(snap.mountpoints).toEqual([]);
  });

  it("reads the thin pool with data and metadata use, and its hidden internals", () => {
    const pool = lv("pool");
    expect(pool).toMatchObject({ sizeBytes: 512 * MiB, attr: { kind: "thin-pool", active: true }, path: null, filesystem: null });
    expect(pool.dataPercent).toBeGreaterThan(0);
    expect(pool.metadataPercent).toBeGreaterThan(0);
    expect(lv("pool_tdata")).toMatchObject({ hidden: true, attr: { kind: "pool-internal" }, path: null });
    expect(lv("pool_tmeta")).toMatchObject({ hidden: true, attr: { kind: "pool-internal" } });
    expect(lv("lvol0_pmspare")).toMatchObject({ hidden: true, attr: { kind: "pool-internal", active: false } });
  });

  it("reads the thin volume and its thin snapshot, which skips activation", () => {
    expect(lv("thinvol")).toMatchObject({
      pool: "pool",
      origin: null,
      sizeBytes: GiB,
      attr: { kind: "thin", active: true, open: true, skipActivation: false },
      filesystem: "ext4",
      mountpoints: ["/mnt/thin"],
    });
    expect(lv("thinvol").dataPercent).toBeGreaterThan(0);
    expect(lv("thinsnap")).toMatchObject({
      pool: "pool",
      origin: "thinvol",
      attr: { kind: "thin", active: false, state: "inactive", skipActivation: true },
      dataPercent: null,
      // Inactive: no device to read a filesystem from, so it is unknown rather than guessed.
      filesystem: null,
    });
  });

  it("offers only the untouched disk as free", () => {
    expect(s.freeDisks.map((d) => d.path)).toEqual(["/dev/vdc"]);
    const byName = new Map(s.blockDevices.map((d) => [d.name, d]));
    expect(byName.get("vdb")?.fstype).toBe("LVM2_member");
    expect(byName.get("vdd")).toMatchObject({ fstype: "ext4", label: "spare", mountpoint: null });
    expect(byName.get("vde")).toMatchObject({ partitionTable: "gpt", fstype: null });
    expect(byName.get("vde1")).toMatchObject({ type: "part", parent: "vde", sizeBytes: 64 * MiB });
    // A partition table and nothing else: no FSTYPE, no children, still not free.
    expect(byName.get("vdf")).toMatchObject({ partitionTable: "gpt", fstype: null });
  });

  it("splits a bind mount's source into device and subpath", () => {
    expect(s.mounts.find((m) => m.target === "/mnt/bind")).toMatchObject({
      source: "/dev/mapper/labvg-data[/sub]",
      device: "/dev/mapper/labvg-data",
      subpath: "/sub",
      fstype: "ext4",
      readOnly: false,
    });
    expect(s.mounts.find((m) => m.target === "/")).toMatchObject({ device: "/dev/vda", subpath: null });
  });
});

describe("host storage without LVM", () => {
  it("still lists disks, and recognises a PV by its signature", () => {
    const out = { ...outputs("lvm-lab"), pvs: null, vgs: null, lvs: null };
    const s = buildHostStorage(out);
    expect(s.lvmAvailable).toBe(false);
    expect(s.lvs).toEqual([]);
    expect(s.freeDisks.map((d) => d.path)).toEqual(["/dev/vdc"]);
  });

  it("fails loudly when a required read is missing", () => {
    expect(() => buildHostStorage({ ...outputs("fresh"), lsblk: null })).toThrow(/lsblk/);
  });
});

describe("filesystem space of mounted LVs", () => {
  // The lvm-lab capture predates the df step; the df answer here is made for the test
  // (the parser itself is tested on real df output in parse-df.test.ts).
  const df = ["     Used    Avail 1B-blocks Mounted on", `25190400 942870528 1020702720 /mnt/thin`, `1000 2000 3000 /mnt/bind`, ""].join(
    "\n",
  );
  const s = buildHostStorage({ ...outputs("lvm-lab"), df });
  const lv = (name: string) => s.lvs.find((l) => l.name === name);

  it("gives each mounted LV the used and free space of its first mount point", () => {
    expect(lv("thinvol")?.usage).toEqual({ usedBytes: 25190400, availBytes: 942870528, sizeBytes: 1020702720 });
    expect(lv("data")?.usage).toEqual({ usedBytes: 1000, availBytes: 2000, sizeBytes: 3000 });
  });

  it("has no usage for an unmounted LV, or when df had no answer", () => {
    const unmounted = s.lvs.filter((l) => l.mountpoints.length === 0);
    expect(unmounted.length).toBeGreaterThan(0);
    expect(unmounted.every((l) => l.usage === null)).toBe(true);
    expect(lv("xfsvol")?.usage).toBeNull(); // mounted, but df did not list /mnt/xfs
    expect(buildHostStorage(outputs("lvm-lab")).lvs.every((l) => l.usage === null)).toBe(true);
  });
});
