import { describe, expect, it } from "vitest";
import { LabdeckError } from "./errors";
import { lsblkEntries, lsblkMountpoints, lsblkSize } from "./lsblk-output";

describe("lsblkEntries", () => {
  it("flattens a tree parent first, naming each child's parent", () => {
    const text = JSON.stringify({
      blockdevices: [{ name: "vda", children: [{ name: "vda1" }, { name: "vda2", children: [{ name: "vg-lv" }] }] }, { name: "vdb" }],
    });
    expect(lsblkEntries(text).map((e) => [e.fields.name, e.treeParent, e.hasChildren])).toEqual([
      ["vda", null, true],
      ["vda1", "vda", false],
      ["vda2", "vda", true],
      ["vg-lv", "vda2", false],
      ["vdb", null, false],
    ]);
  });

  it("skips what is nested under a device without a name", () => {
    const text = JSON.stringify({ blockdevices: [{ size: 1, children: [{ name: "orphan" }] }] });
    expect(lsblkEntries(text).map((e) => e.fields)).toEqual([{ size: 1 }]);
  });

  it("refuses output that is not lsblk's JSON", () => {
    expect(() => lsblkEntries("lsblk: unknown column: MOUNTPOINTS")).toThrow(LabdeckError);
    expect(() => lsblkEntries("{}")).toThrow(/blockdevices/);
  });
});

describe("lsblkSize and lsblkMountpoints", () => {
  it("reads sizes as numbers or strings of digits, nothing else", () => {
    expect([lsblkSize(512), lsblkSize("512"), lsblkSize("1G"), lsblkSize(null)]).toEqual([512, 512, null, null]);
  });

  it("reads MOUNTPOINTS and the older MOUNTPOINT alike", () => {
    expect(lsblkMountpoints({ mountpoints: ["/", null, ""] })).toEqual(["/"]);
    expect(lsblkMountpoints({ mountpoint: "/srv" })).toEqual(["/srv"]);
    expect(lsblkMountpoints({})).toEqual([]);
  });
});
