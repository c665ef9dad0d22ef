import { describe, expect, it } from "vitest";
import { fillMacs, generateMac, isLocallyAdministered, isUnicastMac } from "./mac";

const seq = (...bytes: number[][]) => {
  let i = 0;
  return () => Uint8Array.from(bytes[i++] ?? [0, 0, 0]);
};

describe("generateMac", () => {
  it("makes a locally administered unicast 52:54:00 address", () => {
    for (let i = 0; i < 200; i++) {
      const mac = generateMac([]);
      expect(mac).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
      expect(isUnicastMac(mac)).toBe(true);
      expect(isLocallyAdministered(mac)).toBe(true);
    }
  });

  it("skips addresses in use, whatever their case", () => {
    expect(generateMac(["52:54:00:0A:0B:0C"], seq([10, 11, 12], [1, 2, 3]))).toBe("52:54:00:01:02:03");
  });

  it("gives up with CONFLICT instead of looping forever", () => {
    expect(() => generateMac(["52:54:00:00:00:00"], () => Uint8Array.from([0, 0, 0]))).toThrow(/unused MAC/);
  });
});

describe("isUnicastMac", () => {
  it("refuses multicast and broadcast", () => {
    expect(isUnicastMac("01:00:5e:00:00:01")).toBe(false);
    expect(isUnicastMac("ff:ff:ff:ff:ff:ff")).toBe(false);
    expect(isUnicastMac("53:54:00:00:00:01")).toBe(false);
    expect(isUnicastMac("52:54:00:00:00:01")).toBe(true);
  });
});

describe("fillMacs", () => {
  it("keeps given MACs and makes the others unique against host and siblings", () => {
    const macs = fillMacs([{ mac: "52:54:00:00:00:01" }, {}, {}], ["52:54:00:00:00:02"], seq([0, 0, 1], [0, 0, 2], [0, 0, 3], [0, 0, 3], [0, 0, 4]));
    expect(macs).toEqual(["52:54:00:00:00:01", "52:54:00:00:00:03", "52:54:00:00:00:04"]);
  });
});
