import { describe, expect, it } from "vitest";
import { parseMeminfo } from "./parse-meminfo";
import { fixture } from "./test-fixtures";

describe("parseMeminfo", () => {
  it("converts kB (KiB) to bytes", () => {
    const text = fixture("debian12-pvm/meminfo.stdout");
    const total = Number(/^MemTotal:\s+(\d+) kB$/m.exec(text)?.[1]);
    const m = parseMeminfo(text);
    expect(m.totalBytes).toBe(total * 1024);
    expect(m.availableBytes).toBeGreaterThan(0);
    expect(m.availableBytes).toBeLessThanOrEqual(m.totalBytes ?? 0);
  });

  it("leaves available unknown when MemAvailable is missing (Linux < 3.14)", () => {
    const text = fixture("debian12-pvm/meminfo.stdout").replace(/^MemAvailable:.*\n/m, "");
    expect(parseMeminfo(text).availableBytes).toBeNull();
  });

  it("reports unknown for unreadable output", () => {
    expect(parseMeminfo("")).toEqual({ totalBytes: null, availableBytes: null });
  });
});
