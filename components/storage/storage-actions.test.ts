import { describe, expect, it } from "vitest";
import { formFieldOf, lvActions, lvUsers, storageAction, vgCandidates } from "./storage-actions";
import type { StorageView, TStorageLv } from "./storage-types";

const attr = (kind: TStorageLv["attr"]["kind"]): TStorageLv["attr"] => ({
  kind,
  merging: false,
  writable: true,
  state: "active",
  active: true,
  open: false,
  skipActivation: false,
  health: null,
  raw: "-wi-a-----",
});

function lv(name: string, kind: TStorageLv["attr"]["kind"], hidden = false): TStorageLv {
  return {
    name,
    vg: "labvg",
    hidden,
    sizeBytes: 2 ** 30,
    attr: attr(kind),
    origin: null,
    dataPercent: null,
    metadataPercent: null,
    pool: null,
    path: hidden ? null : `/dev/labvg/${name}`,
    dmPath: `/dev/mapper/labvg-${name}`,
    uuid: "u",
    segments: 1,
    filesystem: null,
    filesystemUuid: null,
    mountpoints: [],
    usage: null,
  };
}

const disk = (path: string) => ({
  name: path.slice(5),
  path,
  type: "disk",
  sizeBytes: 2 ** 31,
  fstype: null,
  partitionTable: null,
  uuid: null,
  label: null,
  mountpoint: null,
  parent: null,
  serial: null,
  readOnly: false,
});

const view: StorageView = {
  hostId: "h",
  hostName: "vm",
  readAt: "2025-01-01T00:00:00.000Z",
  roots: ["/var/lib/labdeck/images"],
  storage: {
    lvmAvailable: true,
    pvs: [
      {
        name: "/dev/vdc",
        vg: null,
        sizeBytes: 2 ** 30,
        freeBytes: 2 ** 30,
        uuid: "p",
        attr: { allocatable: false, exported: false, missing: false, duplicate: false, raw: "---" },
      },
    ],
    vgs: [],
    lvs: [],
    blockDevices: [],
    mounts: [],
    freeDisks: [disk("/dev/vdb")],
  },
  images: [{ path: "/var/lib/labdeck/images/a.qcow2", format: "qcow2", virtualSize: 2 ** 30, actualSize: 196_608, backingFile: null }],
  imageErrors: [],
  usedBy: { "/dev/mapper/labvg-web": ["web1"], "/dev/labvg/web": ["web1", "web2"] },
};

describe("storage forms become ops", () => {
  it("lv.create leaves blank optional fields out and sends a mistyped extent count for the server to name", () => {
    const a = storageAction("lv.create");
    expect(a.toOp({ vg: "labvg", name: "data", size: " 1G ", extents: "", filesystem: "ext4", mountpoint: "", fstab: false })).toEqual({
      op: "lv.create",
      vg: "labvg",
      name: "data",
      size: "1G",
      extents: undefined,
      filesystem: "ext4",
      mountpoint: undefined,
      fstab: undefined,
    });
    const typo = a.toOp({ vg: "labvg", name: "data", extents: "12x" });
    expect(typo.op === "lv.create" && Number.isNaN(typo.extents)).toBe(true);
  });

  it("vg.create splits the device list on spaces and commas", () => {
    expect(storageAction("vg.create").toOp({ name: "labvg", devices: "/dev/vdb, /dev/vdc  ", extentSize: "" })).toEqual({
      op: "vg.create",
      name: "labvg",
      devices: ["/dev/vdb", "/dev/vdc"],
      extentSize: undefined,
    });
  });

  it("shrink carries the typed confirmation as typed", () => {
    expect(storageAction("lv.shrink").toOp({ vg: "labvg", lv: "data", size: "256M", confirm: "labvg/data" })).toEqual({
      op: "lv.shrink",
      vg: "labvg",
      lv: "data",
      size: "256M",
      confirm: "labvg/data",
    });
  });

  it("convert proposes the other format beside the source", () => {
    expect(storageAction("image.convert").defaults?.(view, { path: "/var/lib/labdeck/images/a.qcow2" })).toEqual({
      format: "raw",
      target: "/var/lib/labdeck/images/a.raw",
    });
  });
});

describe("what the page offers", () => {
  it("maps a server field to the form field it belongs to", () => {
    expect(formFieldOf("op.size")).toBe("size");
    expect(formFieldOf("op.devices.0")).toBe("devices");
    expect(formFieldOf("op")).toBeNull();
    expect(formFieldOf("hostId")).toBeNull();
    expect(formFieldOf(null)).toBeNull();
  });

  it("offers actions by LV kind, none for pool internals", () => {
    expect(lvActions(lv("data", "linear"))).toEqual(["lv.grow", "lv.shrink", "snapshot.create", "lv.remove"]);
    expect(lvActions(lv("snap", "snapshot"))).toEqual(["snapshot.merge", "lv.remove"]);
    expect(lvActions(lv("pool_tdata", "pool-internal", true))).toEqual([]);
  });

  it("names the guests using an LV under either of its paths, once each", () => {
    expect(lvUsers(view, lv("web", "linear"))).toEqual(["web1", "web2"]);
    expect(lvUsers(view, lv("data", "linear"))).toEqual([]);
  });

  it("offers free disks and orphan PVs to a VG", () => {
    expect(vgCandidates(view)).toEqual(["/dev/vdb", "/dev/vdc"]);
  });
});
