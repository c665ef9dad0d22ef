import { describe, expect, it } from "vitest";
import { IFNAME, IFNAME_MATCH, isTableRefText, ZLvmName } from "./names";

describe("name patterns", () => {
  it("takes Linux interface names of at most 15 characters, never one that reads as an option", () => {
    expect(["br0", "0br", "_lab", "lab:1", "br-lab.10", "abcdefghijklmno"].every((n) => IFNAME.test(n))).toBe(true);
    expect(["", "-br", ".br", "abcdefghijklmnop", "br 0", "br,0", "br/0"].some((n) => IFNAME.test(n))).toBe(false);
    expect(IFNAME_MATCH.test("tap+")).toBe(true);
    expect(IFNAME.test("tap+")).toBe(false);
  });

  it("reads a routing table as a number or a name", () => {
    expect(["100", "main", "lab_1"].map(isTableRefText)).toEqual([true, true, true]);
    expect(["", "1a", "-x", "lab 1"].map(isTableRefText)).toEqual([false, false, false, false]);
  });

  it("refuses LVM's reserved names", () => {
    expect(ZLvmName.safeParse("web").success).toBe(true);
    expect(["-web", ".", "..", "snapshot1", "a_tmeta"].map((n) => ZLvmName.safeParse(n).success)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
