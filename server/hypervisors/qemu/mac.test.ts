import { describe, expect, it } from "vitest";
import { isLocallyAdministered, isUnicastMac, macProblem } from "../../../lib/mac";
import { fillMacs, generateMac } from "./mac";

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
    const macs = fillMacs(
      [{ mac: "52:54:00:00:00:01" }, {}, {}],
      ["52:54:00:00:00:02"],
      seq([0, 0, 1], [0, 0, 2], [0, 0, 3], [0, 0, 3], [0, 0, 4]),
    );
    expect(macs).toEqual(["52:54:00:00:00:01", "52:54:00:00:00:03", "52:54:00:00:00:04"]);
  });
});

describe("macProblem", () => {
  it("allows locally administered unicast addresses", () => {
    for (const mac of ["52:54:00:12:34:56", "02:00:00:00:00:01", "fe:ff:ff:ff:ff:fe"]) expect(macProblem(mac)).toBeNull();
  });
  it.each([
    ["multicast", "01:00:5e:00:00:01", /multicast/],
    ["broadcast", "ff:ff:ff:ff:ff:ff", /multicast/],
    ["multicast and locally administered", "03:00:00:00:00:01", /multicast/],
    ["all-zero", "00:00:00:00:00:00", /all-zero/],
    ["a vendor (universally administered) address", "00:16:3e:12:34:56", /universally administered/],
    ["uppercase or dashes (not normalised)", "52-54-00-12-34-56", /not a MAC/],
  ])("refuses %s", (_what, mac, why) => {
    expect(macProblem(mac)).toMatch(why);
  });
});
