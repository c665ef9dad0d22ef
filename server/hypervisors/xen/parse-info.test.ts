import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_INFO_BYTES, parseXlInfo } from "./parse-info";

const fixture = (f: string) => readFileSync(path.join(import.meta.dirname, "fixtures", f), "utf8");

describe("parseXlInfo", () => {
  it("reads the real xl info of the dom0 lab VM (fixtures/xl-info.txt)", () => {
    expect(parseXlInfo(fixture("xl-info.txt"), { exitStatus: 0 })).toEqual({
      toolstackWorks: true,
      xenVersion: "4.17.5",
      xenMajor: 4,
      xenMinor: 17,
      totalMemoryMiB: 3071,
      freeMemoryMiB: 2014,
      nrCpus: 2,
      virtCaps: ["pv", "hvm", "hap", "shadow", "gnttab-v1", "gnttab-v2"],
      canPv: true,
      canHvm: true,
      dom0Mem: "1024M,max:1024M",
      scheduler: "credit2",
      error: null,
    });
  });

  it("says the toolstack does not work when it printed no table (xm on the same dom0, fixtures/xm-info.txt)", () => {
    const info = parseXlInfo("", { stderr: fixture("xm-info.txt"), exitStatus: 127 });
    expect(info).toMatchObject({ toolstackWorks: false, xenVersion: null, error: "sh: 1: xm: not found" });
  });

  it("is bounded and ignores hostile lines", () => {
    const hostile = `${"x".repeat(MAX_INFO_BYTES)}\nxen_version : 4.17.5\n`;
    expect(parseXlInfo(hostile).xenVersion).toBeNull();
    expect(parseXlInfo("xen_version : 4.17; rm -rf /\nhost : a\ntotal_memory : 1\nfree_memory : 1\n")).toMatchObject({
      toolstackWorks: false,
      xenVersion: null,
    });
    expect(parseXlInfo(": ".repeat(100_000)).toolstackWorks).toBe(false);
  });
});
