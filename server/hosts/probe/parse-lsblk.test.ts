import { describe, expect, it } from "vitest";
import { isUnknownLsblkColumn, parseLsblk } from "./parse-lsblk";
import { fixture } from "./test-fixtures";

describe("parseLsblk", () => {
  it("reads the probe host's disks", () => {
    const disks = parseLsblk(fixture("debian12-pvm/lsblk.stdout"));
    expect(disks.map((d) => d.name)).toEqual(["zram0", "vda"]);
    expect(disks[1]).toMatchObject({ sizeBytes: 274877906944, type: "disk", model: null, parent: null });
    expect(disks[1]?.mountpoints).toContain("/");
    expect(disks[0]?.mountpoints).toEqual([]);
  });

  it("flattens partitions with their parent (MOUNTPOINTS column)", () => {
    const disks = parseLsblk(fixture("extra/lsblk-loop-partitions.json"));
    expect(disks.slice(0, 3)).toEqual([
      { name: "loop0", sizeBytes: 67108864, type: "loop", model: null, mountpoints: [], parent: null },
      { name: "loop0p1", sizeBytes: 33554432, type: "part", model: null, mountpoints: ["/tmp/lsblk-mnt"], parent: "loop0" },
      { name: "loop0p2", sizeBytes: 32505856, type: "part", model: null, mountpoints: [], parent: "loop0" },
    ]);
  });

  it("reads the older single MOUNTPOINT column the same way", () => {
    expect(parseLsblk(fixture("extra/lsblk-mountpoint-column.json"))).toEqual(parseLsblk(fixture("extra/lsblk-loop-partitions.json")));
  });

  it("accepts sizes printed as strings by old lsblk", () => {
    const text = fixture("extra/lsblk-loop-partitions.json").replace(/"size": (\d+)/g, '"size": "$1"');
    expect(parseLsblk(text)[0]?.sizeBytes).toBe(67108864);
  });

  it("returns no disks for non-JSON output", () => {
    expect(parseLsblk(fixture("extra/lsblk-unknown-column.stderr"))).toEqual([]);
    expect(parseLsblk("")).toEqual([]);
  });

  it("recognises the unknown-column error that triggers the fallback", () => {
    expect(isUnknownLsblkColumn(fixture("extra/lsblk-unknown-column.stderr"))).toBe(true);
    expect(isUnknownLsblkColumn("")).toBe(false);
  });
});
