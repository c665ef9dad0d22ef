import { describe, expect, it } from "vitest";
import { parseLsLong } from "./parse-ls-long";
import { fixture } from "./test-fixtures";

const PATHS = ["/dev/kvm", "/dev/net/tun", "/vmlinuz"];

describe("parseLsLong", () => {
  it("sees both device nodes as character devices and /vmlinuz as absent", () => {
    const kinds = parseLsLong(fixture("debian12-pvm/dev-nodes.stdout"), PATHS);
    expect(Object.fromEntries(kinds)).toEqual({ "/dev/kvm": "char", "/dev/net/tun": "char" });
  });

  it("does not take a regular file at /dev/kvm for a device", () => {
    const text = fixture("debian12-pvm/dev-nodes.stdout").replace(/^c(.*\/dev\/kvm)$/m, "-$1");
    expect(parseLsLong(text, PATHS).get("/dev/kvm")).toBe("file");
  });

  it("reads nothing from ls's complaints", () => {
    expect(parseLsLong(fixture("debian12-pvm/dev-nodes.stderr"), PATHS).size).toBe(0);
  });
});
