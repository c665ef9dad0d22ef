import { describe, expect, it } from "vitest";
import { parseIptablesVersion } from "./parse-iptables";
import { fixture } from "./test-fixtures";

describe("parseIptablesVersion", () => {
  it("reads the nf_tables backend (Debian 12's default iptables)", () => {
    expect(parseIptablesVersion(fixture("debian12-pvm/version-iptables.stdout"))).toEqual({ version: "1.8.9", backend: "nf_tables" });
  });

  it("reads the legacy backend", () => {
    expect(parseIptablesVersion(fixture("extra/iptables-legacy-V.stdout"))).toEqual({ version: "1.8.9", backend: "legacy" });
  });

  it("takes iptables before 1.8, which names no backend, as legacy", () => {
    const old = fixture("extra/iptables-legacy-V.stdout").replace("v1.8.9 (legacy)", "v1.6.1");
    expect(parseIptablesVersion(old)).toEqual({ version: "1.6.1", backend: "legacy" });
  });

  it("is null for anything else", () => {
    expect(parseIptablesVersion("")).toBeNull();
    expect(parseIptablesVersion(fixture("debian12-pvm/version-ip.stdout"))).toBeNull();
  });
});
