// Edge cases the lab capture cannot show, on small hand-written inputs in the tools'
// own formats. Whatever a parser cannot read must fail, never become a zero or a guess.
import { describe, expect, it } from "vitest";
import { decodeLvAttr, decodePvAttr, decodeVgAttr } from "./lvm-attr";
import { parseFindmnt } from "./parse-findmnt";
import { parseLsblk } from "./parse-lsblk";
import { parseLvs, parsePvs } from "./parse-lvm";
import { storageReadSteps } from "./read-commands";

const lvReport = (row: Record<string, string>) =>
  JSON.stringify({
    report: [
      {
        lv: [
          {
            lv_name: "x",
            vg_name: "vg",
            lv_size: "4194304",
            lv_attr: "-wi-a-----",
            origin: "",
            data_percent: "",
            metadata_percent: "",
            pool_lv: "",
            lv_path: "/dev/vg/x",
            lv_dm_path: "/dev/mapper/vg-x",
            lv_uuid: "u",
            seg_count: "1",
            ...row,
          },
        ],
      },
    ],
  });

describe("lv_attr", () => {
  it("decodes kinds the lab does not make", () => {
    expect(decodeLvAttr("rwi-a-r---").kind).toBe("mirror-or-raid");
    expect(decodeLvAttr("Cwi-a-C---").kind).toBe("cache");
    expect(decodeLvAttr("vwi-a-v---").kind).toBe("virtual");
    expect(decodeLvAttr("?wi-a-----").kind).toBe("other");
  });

  it("sees a merge in progress, an invalid snapshot and a failed thin pool", () => {
    expect(decodeLvAttr("Owi-aos---")).toMatchObject({ kind: "origin", merging: true });
    expect(decodeLvAttr("Swi-a-s---")).toMatchObject({ kind: "snapshot", merging: true });
    expect(decodeLvAttr("swi-I-s---")).toMatchObject({ state: "invalid-snapshot", active: true });
    expect(decodeLvAttr("twi-aotzF-")).toMatchObject({ kind: "thin-pool", health: "F" });
    expect(decodeLvAttr("-ri-a-----")).toMatchObject({ writable: false });
  });

  it("treats a short or unknown state as unknown and not active", () => {
    expect(decodeLvAttr("")).toMatchObject({ kind: "other", state: "unknown", active: false, open: false });
    expect(decodeLvAttr("-wi-X-----")).toMatchObject({ state: "unknown", active: false });
  });

  it("decodes VG and PV attributes", () => {
    expect(decodeVgAttr("wz-pn-")).toMatchObject({ writable: true, resizeable: true, partial: true });
    expect(decodeVgAttr("r-x---")).toMatchObject({ writable: false, exported: true });
    expect(decodePvAttr("a-m")).toMatchObject({ allocatable: true, missing: true });
    expect(decodePvAttr("d--")).toMatchObject({ duplicate: true, allocatable: false });
  });
});

describe("LVM reports", () => {
  it("refuses a size that is not whole bytes instead of reading 0", () => {
    expect(() => parseLvs(lvReport({ lv_size: "<4.00m" }))).toThrow(/lv_size.*--units b/);
    expect(() => parseLvs(lvReport({ data_percent: "n/a" }))).toThrow(/data_percent/);
  });

  it("refuses output that is not an LVM report, or lacks a field", () => {
    expect(() => parsePvs("  No physical volume found\n")).toThrow(/not JSON/);
    expect(() => parsePvs(JSON.stringify({ pv: [] }))).toThrow(/LVM JSON report/);
    expect(() => parsePvs(JSON.stringify({ report: [{ pv: [{ pv_name: "/dev/vdb" }] }] }))).toThrow(/vg_name missing/);
  });

  it("reads a PV outside any VG", () => {
    const out = JSON.stringify({
      report: [{ pv: [{ pv_name: "/dev/vdc", vg_name: "", pv_size: "1073741824", pv_free: "1073741824", pv_uuid: "u", pv_attr: "---" }] }],
    });
    expect(parsePvs(out)[0]).toMatchObject({ vg: null, attr: { allocatable: false } });
  });
});

describe("lsblk", () => {
  it("reads util-linux < 2.33, which printed every value as a string", () => {
    const out = JSON.stringify({
      blockdevices: [
        {
          name: "sdb",
          path: "/dev/sdb",
          type: "disk",
          size: "1000204886016",
          fstype: null,
          pttype: null,
          uuid: null,
          label: null,
          mountpoint: null,
          pkname: null,
          serial: "WD-1",
          ro: "0",
        },
      ],
    });
    expect(parseLsblk(out)[0]).toMatchObject({ sizeBytes: 1000204886016, readOnly: false, serial: "WD-1" });
  });

  it("refuses a human size and a tree (the step must pass -b and -l)", () => {
    const human = JSON.stringify({ blockdevices: [{ name: "sdb", path: "/dev/sdb", type: "disk", size: "931.5G", ro: false }] });
    expect(() => parseLsblk(human)).toThrow(/-b/);
    const tree = JSON.stringify({ blockdevices: [{ name: "sda", path: "/dev/sda", type: "disk", size: 1, ro: false, children: [] }] });
    expect(() => parseLsblk(tree)).toThrow(/-l/);
  });

  it("keeps a device listed under several parents once", () => {
    const row = { name: "md0", path: "/dev/md0", type: "raid1", size: 1024, ro: false };
    const out = JSON.stringify({
      blockdevices: [
        { ...row, pkname: "sda1" },
        { ...row, pkname: "sdb1" },
      ],
    });
    expect(parseLsblk(out)).toEqual([expect.objectContaining({ path: "/dev/md0", parent: "sda1" })]);
  });
});

describe("findmnt", () => {
  it("reads read-only mounts and sources that are not devices", () => {
    const out = JSON.stringify({
      filesystems: [
        { target: "/srv/iso", source: "/dev/sr0", fstype: "iso9660", options: "ro,relatime" },
        { target: "/mnt/nfs", source: "nas:/export", fstype: "nfs4", options: "rw,vers=4.2" },
      ],
    });
    const [iso, nfs] = parseFindmnt(out);
    expect(iso).toMatchObject({ readOnly: true, device: "/dev/sr0", subpath: null });
    expect(nfs).toMatchObject({ readOnly: false, device: "nas:/export", subpath: null });
  });
});

describe("storage read steps", () => {
  it("are argv arrays of read-only tools with byte units", () => {
    for (const s of storageReadSteps()) {
      expect(s.argv.length).toBeGreaterThan(0);
      expect(s.argv.join(" ")).not.toMatch(/\b(create|remove|change|extend|reduce|--mknodes|--cache|-ay)\b/);
      expect(s.argv).toContain(s.id === "pvs" || s.id === "vgs" || s.id === "lvs" ? "b" : s.id === "df" ? "-B1" : "-b");
    }
  });
});
