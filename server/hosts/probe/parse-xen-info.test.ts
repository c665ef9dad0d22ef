import { describe, expect, it } from "vitest";
import { parseXenInfo } from "./parse-xen-info";
import { fixture, recorded } from "./test-fixtures";

describe("parseXenInfo", () => {
  it("reads the hypervisor version from xl info (sample in xl(1))", () => {
    expect(parseXenInfo({ exitStatus: 0, stdout: fixture("extra/xl-info-manpage.stdout"), stderr: "" })).toEqual({
      version: "4.2-unstable",
      hypervisor: true,
      detail: "Xen 4.2-unstable running",
    });
  });

  it("reports the tools without a hypervisor (Debian's xl wrapper on a non-Xen host)", () => {
    const r = parseXenInfo(recorded("debian12-pvm", "xen-xl"));
    expect(r.version).toBeNull();
    expect(r.hypervisor).toBe(false);
    expect(r.detail).toContain("Can't find hypervisor information in sysfs");
  });

  it("leaves the hypervisor unknown on other failures, with the tool's words", () => {
    const r = parseXenInfo({ exitStatus: 1, stdout: "", stderr: "libxl: error: permission denied\n" });
    expect(r).toEqual({ version: null, hypervisor: null, detail: "libxl: error: permission denied" });
  });
});
