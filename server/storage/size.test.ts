import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatBytes, parseSize, resolveSize } from "./size";

describe("parseSize", () => {
  it("reads binary units, either case, with or without iB", () => {
    expect(parseSize("10G")).toBe(10 * 2 ** 30);
    expect(parseSize("10g")).toBe(10 * 2 ** 30);
    expect(parseSize("10GiB")).toBe(10 * 2 ** 30);
    expect(parseSize("10 GiB")).toBe(10 * 2 ** 30);
    expect(parseSize("512M")).toBe(512 * 2 ** 20);
    expect(parseSize("4K")).toBe(4096);
    expect(parseSize("2T")).toBe(2 * 2 ** 40);
    expect(parseSize(" 4096B ")).toBe(4096);
    expect(parseSize("0G")).toBe(0);
  });

  it("rounds decimals down to whole bytes, exactly", () => {
    expect(parseSize("1.5G")).toBe(1.5 * 2 ** 30);
    // 1.1 × 2^30 = 1181116006.4: a float would be tempted to round up.
    expect(parseSize("1.1G")).toBe(1181116006);
    expect(parseSize("0.5K")).toBe(512);
    expect(parseSize("1.0009765625K")).toBe(1025);
    expect(parseSize("1.0009K")).toBe(1024);
  });

  it("refuses decimal units and says which letter to use", () => {
    expect(() => parseSize("10GB")).toThrow(/ambiguous.*use G/);
    expect(() => parseSize("10 MB", "ops.1.size")).toThrow(/^ops\.1\.size: .*use M/);
    expect(() => parseSize("1.5tb")).toThrow(/use T/);
  });

  it("refuses a number without a unit, fractional bytes and junk", () => {
    expect(() => parseSize("1024")).toThrow(/no unit/);
    expect(() => parseSize("1.5B")).toThrow(/whole number/);
    for (const bad of ["", "G", "-1G", "1e3G", "10 G G", "10Gi", "10P", "1,5G", "0x10G", "10G; rm -rf /"]) {
      expect(() => parseSize(bad), bad).toThrow(/size/);
    }
  });

  it("names the field in the error", () => {
    try {
      parseSize("10GB", "lvSize");
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: "BAD_INPUT", field: "lvSize" });
    }
  });

  it("refuses sizes beyond exact integers", () => {
    expect(parseSize("8191T")).toBe(8191 * 2 ** 40);
    expect(() => parseSize("8192T")).toThrow(/too large/);
  });
});

describe("formatBytes", () => {
  it("picks the largest unit and drops trailing zeros", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1024)).toBe("1 KiB");
    expect(formatBytes(10 * 2 ** 30)).toBe("10 GiB");
    expect(formatBytes(1.5 * 2 ** 30)).toBe("1.5 GiB");
    expect(formatBytes(2 ** 30 + 2 ** 30 / 3)).toBe("1.33 GiB");
    expect(formatBytes(3 * 2 ** 40)).toBe("3 TiB");
  });

  it("refuses what is not a byte count", () => {
    expect(() => formatBytes(-1)).toThrow(/bytes/);
    expect(() => formatBytes(Number.NaN)).toThrow(/bytes/);
  });

  it("round-trips whole numbers of a unit through parseSize", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1023 }), fc.constantFrom(0, 10, 20, 30, 40), (n, shift) => {
        const bytes = n * 2 ** shift;
        expect(parseSize(formatBytes(bytes))).toBe(bytes);
      }),
    );
  });
});

describe("resolveSize", () => {
  const G = 2 ** 30;
  const M = 2 ** 20;
  it("takes +SIZE for a grow and -SIZE for a shrink, relative to the current size", () => {
    expect(resolveSize("+64M", G, "op.size", "grow")).toBe(G + 64 * M);
    expect(resolveSize(" -64M", G, "op.size", "shrink")).toBe(G - 64 * M);
    expect(resolveSize("2G", G, "op.size", "grow")).toBe(2 * G);
  });

  it("refuses a sign against the action, a change of nothing and a result of nothing, naming the field", () => {
    expect(() => resolveSize("-64M", G, "op.size", "grow")).toThrow(/^op\.size: .*would shrink it; a grow takes \+SIZE/);
    expect(() => resolveSize("+64M", G, "op.size", "shrink")).toThrow(/^op\.size: .*would grow it/);
    expect(() => resolveSize("+0M", G, "op.size", "grow")).toThrow(/changes nothing/);
    expect(() => resolveSize("-1G", G, "op.size", "shrink")).toThrow(/leaves nothing/);
    expect(() => resolveSize("+", G, "op.size", "grow")).toThrow(/^op\.size: /);
    expect(() => resolveSize("++64M", G, "op.size", "grow")).toThrow(/^op\.size: /);
  });
});
