import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseDf } from "./parse-df";

// local.out: real `df -l -B1 --output=used,avail,size,target` with a tmpfs mounted on a
// directory whose name has a space, and one holding 3 MiB.
const local = readFileSync(path.join(import.meta.dirname, "fixtures/df/local.out"), "utf8");

describe("parseDf", () => {
  it("reads used, free and size in bytes per mount point, keeping spaces in the target", () => {
    const rows = parseDf(local);
    expect(rows.find((r) => r.target === "/tmp/df fix")).toEqual({
      target: "/tmp/df fix",
      usedBytes: 0,
      availBytes: 1048576,
      sizeBytes: 1048576,
    });
    expect(rows.find((r) => r.target === "/tmp/dfthin")).toEqual({
      target: "/tmp/dfthin",
      usedBytes: 3 * 2 ** 20,
      availBytes: 63963136,
      sizeBytes: 64 * 2 ** 20,
    });
    expect(rows.map((r) => r.target)).toContain("/");
  });

  it("refuses output without the expected header, and skips lines it cannot read", () => {
    expect(() => parseDf("Filesystem 1K-blocks Used\n")).toThrow(/df: unexpected header/);
    const header = "Used Avail 1B-blocks Mounted on";
    expect(parseDf(`${header}\nnot a line\n1 2 3 relative\n1 2 3 /ok\n${"9".repeat(30)} 1 1 /long\n`)).toEqual([
      { target: "/ok", usedBytes: 1, availBytes: 2, sizeBytes: 3 },
    ]);
  });
});
