import { describe, expect, it } from "vitest";
import { isBlockDiskPath } from "../../../lib/volume-path";
import { ZDisk } from "./guest-definition";

describe("block disks", () => {
  const disk = (path: string) => ZDisk.safeParse({ kind: "block", path });

  it("takes an LV by /dev/VG/LV or /dev/mapper/VG-LV, raw unless said otherwise", () => {
    expect(disk("/dev/vg0/web").data).toEqual({ kind: "block", path: "/dev/vg0/web", format: "raw" });
    expect(disk("/dev/mapper/vg0-web--data").success).toBe(true);
    expect(disk("/dev/my_vg.1/lv+2").success).toBe(true);
    expect(ZDisk.safeParse({ kind: "block", path: "/dev/vg0/web", format: "qcow2" }).success).toBe(false);
  });

  it.each([
    ["a whole disk", "/dev/sda"],
    ["a nested device path", "/dev/disk/by-id/virtio-x"],
    ["a file under the roots", "/srv/labdeck/a.img"],
    ["'..' as an LV", "/dev/vg0/.."],
    ["a name LVM reserves", "/dev/vg0/snapshot1"],
    ["a name starting with a dash", "/dev/vg0/-x"],
    ["a comma", "/dev/vg0/a,b"],
    ["the device-mapper control node", "/dev/mapper/control"],
    ["a relative path", "dev/vg0/web"],
  ])("refuses %s", (_what, path) => {
    expect(isBlockDiskPath(path)).toBe(false);
    expect(disk(path).success).toBe(false);
  });
});
