import { describe, expect, it } from "vitest";
import { canonicalVolumePath, lvOfPath } from "./volume-path";

describe("the two names of one LV", () => {
  it("reads VG and LV from either name, and nothing from anything else", () => {
    expect(lvOfPath("/dev/vg0/web")).toEqual({ vg: "vg0", lv: "web" });
    expect(lvOfPath("/dev/mapper/vg--a-lv--b")).toEqual({ vg: "vg-a", lv: "lv-b" });
    expect(lvOfPath("/dev/mapper/vg-lv-real")).toBeNull();
    expect(lvOfPath("/dev/sda")).toBeNull();
  });

  it("gives the mapper name as /dev/VG/LV and leaves every other path alone", () => {
    expect(canonicalVolumePath("/dev/mapper/my--vg-web--data")).toBe("/dev/my-vg/web-data");
    expect(canonicalVolumePath("/dev/mapper/cryptroot")).toBe("/dev/mapper/cryptroot");
    expect(canonicalVolumePath("/srv/img/a.qcow2")).toBe("/srv/img/a.qcow2");
  });
});
