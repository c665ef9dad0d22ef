import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { mergeRtTables, parseRtTables } from "./parse-rt-tables";

const RT = path.join(import.meta.dirname, "fixtures", "rt-tables");
const read = (dir: string, f: string) => readFileSync(path.join(dir, f), "utf8");

describe("rt_tables", () => {
  it("parses Debian 12's /etc file", () => {
    expect(parseRtTables(read(RT, "debian12-etc.txt"))).toEqual([
      { id: 255, name: "local" },
      { id: 254, name: "main" },
      { id: 253, name: "default" },
      { id: 0, name: "unspec" },
    ]);
  });
  it("merges Debian 13's split files with /etc first", () => {
    const names = mergeRtTables(read(RT, "debian13-split-etc.txt"), read(RT, "debian13-usr.txt"));
    expect(names.get("uplink2")).toBe(100);
    expect(names.get("guests")).toBe(101);
    expect(names.get("main")).toBe(254);
  });
  it("accepts an absent file", () => {
    expect(mergeRtTables(null, read(RT, "debian13-usr.txt")).get("local")).toBe(255);
  });
});
