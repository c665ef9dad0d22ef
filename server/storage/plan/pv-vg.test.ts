import { describe, expect, it } from "vitest";
import type { TStorageOp } from "../ops";
import type { THostStorage } from "../storage-model";
import { storageOpReads } from "./build-storage-plan";
import { argvs, labStorage, plan, refusal, withoutLvs } from "./test-fixtures";

const fresh = labStorage("fresh");
const lab = labStorage("lvm-lab");
const FREE_BY_ID = "/dev/disk/by-id/virtio-labdeck-free";

/** lvm-lab after `pvcreate /dev/vdc`: a PV in no VG (blkid then reports LVM2_member). */
function withLoosePv(): THostStorage {
  const s = structuredClone(lab);
  s.pvs.push({
    name: "/dev/vdc",
    vg: null,
    sizeBytes: 2 ** 30,
    freeBytes: 2 ** 30,
    uuid: "u",
    attr: { allocatable: false, exported: false, missing: false, duplicate: false, raw: "---" },
  });
  s.freeDisks = s.freeDisks.filter((d) => d.path !== "/dev/vdc");
  const vdc = s.blockDevices.find((d) => d.path === "/dev/vdc");
  if (vdc) vdc.fstype = "LVM2_member";
  return s;
}

describe("pv.create", () => {
  it("makes a PV of a free disk, undone by pvremove", () => {
    const p = plan(lab, { op: "pv.create", device: "/dev/vdc" });
    expect(p.steps).toEqual([
      { argv: ["pvcreate", "/dev/vdc"], purpose: "make /dev/vdc an LVM physical volume", undo: ["pvremove", "/dev/vdc"] },
    ]);
    expect(storageOpReads(lab, { op: "pv.create", device: "/dev/vdc" })).toEqual([]);
  });

  it("resolves a by-id link with a read and acts on the disk that was checked", () => {
    const reads = storageOpReads(lab, { op: "pv.create", device: FREE_BY_ID });
    expect(reads).toEqual([
      { id: "device", argv: ["sh", "-c", 'readlink -e -- "$1" || true', "sh", FREE_BY_ID], purpose: expect.any(String) },
    ]);
    expect(argvs(plan(lab, { op: "pv.create", device: FREE_BY_ID }, { reads: { device: "/dev/vdc\n" } }))).toEqual([
      ["pvcreate", "/dev/vdc"],
    ]);
    expect(refusal(lab, { op: "pv.create", device: FREE_BY_ID }, { reads: { device: "\n" } })).toEqual({
      field: "op.device",
      message: `op.device: ${FREE_BY_ID} does not exist on the host`,
    });
  });

  it.each([
    ["/dev/vdb", "is an LVM physical volume of volume group labvg"],
    ["/dev/vdd", "holds an ext4 filesystem (label spare)"],
    ["/dev/vde", "has partitions (vde1)"],
    ["/dev/vdf", "has a gpt partition table (with no partitions)"],
    ["/dev/vda", "holds an ext4 filesystem (label labroot), is mounted on /"],
    ["/dev/vde1", "is a partition, not a whole disk"],
    ["/dev/mapper/labvg-xfsvol", "is an LVM volume, not a whole disk, holds an xfs filesystem, is mounted on /mnt/xfs"],
  ])("refuses %s, saying what is on it", (device, why) => {
    expect(refusal(lab, { op: "pv.create", device })).toEqual({
      field: "op.device",
      message: `op.device: ${device} is not a free disk: it ${why}`,
    });
  });

  it("names the holders of a disk that carries volumes", () => {
    const s = structuredClone(lab);
    const vdb = s.blockDevices.find((d) => d.path === "/dev/vdb");
    if (vdb) vdb.fstype = null;
    s.pvs = [];
    expect(refusal(s, { op: "pv.create", device: "/dev/vdb" }).message).toMatch(/holds labvg-xfsvol \(lvm\), labvg-data-real \(lvm\)/);
  });

  it("refuses a free disk a guest uses raw, and any LVM op where LVM did not answer", () => {
    expect(refusal(lab, { op: "pv.create", device: "/dev/vdc" }, { usedBy: new Map([["/dev/vdc", ["web1"]]]) })).toEqual({
      field: "op.device",
      message: "op.device: /dev/vdc is given to guest web1 as a disk",
    });
    expect(refusal({ ...lab, lvmAvailable: false }, { op: "pv.create", device: "/dev/vdc" }).field).toBe("op");
  });

  it("refuses an unknown device", () => {
    expect(refusal(lab, { op: "pv.create", device: "/dev/vdz" }, { reads: { device: "" } }).message).toMatch(/does not exist/);
    expect(refusal(lab, { op: "pv.create", device: "/dev/labvg/data" }, { reads: { device: "/dev/dm-3\n" } }).message).toBe(
      "op.device: /dev/labvg/data is /dev/dm-3, which is not a block device lsblk lists",
    );
  });
});

describe("vg.create", () => {
  it("runs pvcreate for free disks first, then vgcreate with the extent size", () => {
    const op: TStorageOp = { op: "vg.create", name: "vg1", devices: ["/dev/vdb", FREE_BY_ID], extentSize: "8M" };
    expect(storageOpReads(fresh, op).map((r) => r.id)).toEqual(["devices.1"]);
    const p = plan(fresh, op, { reads: { "devices.1": "/dev/vdc\n" } });
    expect(p.steps).toEqual([
      { argv: ["pvcreate", "/dev/vdb"], purpose: expect.any(String), undo: ["pvremove", "/dev/vdb"] },
      { argv: ["pvcreate", "/dev/vdc"], purpose: expect.any(String), undo: ["pvremove", "/dev/vdc"] },
      { argv: ["vgcreate", "-s", "8M", "vg1", "/dev/vdb", "/dev/vdc"], purpose: expect.any(String), undo: ["vgremove", "vg1"] },
    ]);
  });

  it("uses LVM's 4M extents by default and a PV in no group as it is", () => {
    expect(argvs(plan(withLoosePv(), { op: "vg.create", name: "vg1", devices: ["/dev/vdc"] }))).toEqual([
      ["vgcreate", "-s", "4M", "vg1", "/dev/vdc"],
    ]);
    expect(argvs(plan(fresh, { op: "vg.create", name: "vg1", devices: ["/dev/vdc"], extentSize: "64K" }))).toEqual([
      ["pvcreate", "/dev/vdc"],
      ["vgcreate", "-s", "64K", "vg1", "/dev/vdc"],
    ]);
  });

  it.each(["3M", "512B", "1.5M"])("refuses the extent size %s", (extentSize) => {
    expect(refusal(fresh, { op: "vg.create", name: "vg1", devices: ["/dev/vdc"], extentSize })).toEqual({
      field: "op.extentSize",
      message: `op.extentSize: "${extentSize}" is not a power of two of at least 1K`,
    });
  });

  it("refuses an existing name, a disk listed twice and a PV of another group", () => {
    expect(refusal(lab, { op: "vg.create", name: "labvg", devices: ["/dev/vdc"] }).field).toBe("op.name");
    expect(
      refusal(lab, { op: "vg.create", name: "vg1", devices: ["/dev/vdc", FREE_BY_ID] }, { reads: { "devices.1": "/dev/vdc" } }),
    ).toEqual({
      field: "op.devices.1",
      message: `op.devices.1: ${FREE_BY_ID} is listed twice (it is /dev/vdc)`,
    });
    expect(refusal(lab, { op: "vg.create", name: "vg1", devices: ["/dev/vdc", "/dev/vdb"] })).toEqual({
      field: "op.devices.1",
      message: "op.devices.1: /dev/vdb is already a physical volume of volume group labvg",
    });
    expect(refusal(lab, { op: "vg.create", name: "vg1", devices: ["/dev/vdd"] }).field).toBe("op.devices.0");
  });

  it("refuses invalid names before anything else", () => {
    expect(refusal(fresh, { op: "vg.create", name: "-x", devices: ["/dev/vdc"] }).field).toBe("op.name");
    expect(refusal(fresh, { op: "vg.create", name: "vg1", devices: ["vdc"] }).field).toBe("op.devices.0");
  });
});

describe("vg.extend", () => {
  it("adds a free disk (pvcreate first), undone by vgreduce", () => {
    expect(plan(lab, { op: "vg.extend", vg: "labvg", device: "/dev/vdc" }).steps).toEqual([
      { argv: ["pvcreate", "/dev/vdc"], purpose: expect.any(String), undo: ["pvremove", "/dev/vdc"] },
      { argv: ["vgextend", "labvg", "/dev/vdc"], purpose: "add /dev/vdc to volume group labvg", undo: ["vgreduce", "labvg", "/dev/vdc"] },
    ]);
  });

  it("refuses an unknown group and a disk in use", () => {
    expect(refusal(lab, { op: "vg.extend", vg: "nope", device: "/dev/vdc" }).field).toBe("op.vg");
    expect(refusal(lab, { op: "vg.extend", vg: "labvg", device: "/dev/vdd" }).message).toMatch(
      /not a free disk: it holds an ext4 filesystem/,
    );
  });

  it("refuses a partial group", () => {
    const s = structuredClone(lab);
    const vg = s.vgs[0];
    if (vg) vg.attr.partial = true;
    expect(refusal(s, { op: "vg.extend", vg: "labvg", device: "/dev/vdc" }).message).toMatch(/missing physical volumes/);
  });
});

describe("vg.remove and pv.remove", () => {
  it("refuses a group that still holds volumes, naming them", () => {
    expect(refusal(lab, { op: "vg.remove", vg: "labvg" })).toEqual({
      field: "op.vg",
      message: "op.vg: volume group labvg still holds logical volumes data, data-snap, pool, thinsnap, thinvol, xfsvol: remove them first",
    });
  });

  it("removes an empty group; the undo makes it again on the same disk", () => {
    const empty = withoutLvs(
      lab,
      lab.lvs.map((l) => l.name),
    );
    expect(plan(empty, { op: "vg.remove", vg: "labvg" }).steps).toEqual([
      { argv: ["vgremove", "labvg"], purpose: expect.any(String), undo: ["vgcreate", "-s", "4M", "labvg", "/dev/vdb"] },
    ]);
  });

  it("removes a PV in no group and refuses one in a group or a disk that is none", () => {
    expect(plan(withLoosePv(), { op: "pv.remove", device: "/dev/vdc" }).steps).toEqual([
      { argv: ["pvremove", "/dev/vdc"], purpose: expect.any(String), undo: ["pvcreate", "/dev/vdc"] },
    ]);
    expect(refusal(lab, { op: "pv.remove", device: "/dev/vdb" }).message).toMatch(/belongs to volume group labvg/);
    expect(refusal(lab, { op: "pv.remove", device: "/dev/vdc" }).message).toBe("op.device: /dev/vdc is not an LVM physical volume");
    expect(
      refusal(withLoosePv(), { op: "pv.remove", device: "/dev/vdc" }, { usedBy: new Map([["/dev/vdc", ["a", "b"]]]) }).message,
    ).toMatch(/guests a, b/);
  });
});
