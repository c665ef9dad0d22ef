import { describe, expect, it } from "vitest";
import {
  parseBrctlVersion,
  parseBridgeVersion,
  parseIpVersion,
  parseLvmVersion,
  parseQemuImgVersion,
  parseQemuVersion,
  parseUmlVersion,
} from "./parse-versions";
import { fixture } from "./test-fixtures";

const out = (id: string) => fixture(`debian12-pvm/${id}.stdout`);

describe("version parsers on Debian 12 output", () => {
  it("reads QEMU and qemu-img", () => {
    expect(parseQemuVersion(out("version-qemu-system-x86_64"))).toBe("7.2.22");
    expect(parseQemuVersion(out("version-qemu-system-i386"))).toBe("7.2.22");
    expect(parseQemuImgVersion(out("version-qemu-img"))).toBe("7.2.22");
  });

  it("reads iproute2's ip and bridge, and bridge-utils' brctl", () => {
    expect(parseIpVersion(out("version-ip"))).toBe("6.1.0");
    expect(parseBridgeVersion(out("version-bridge"))).toBe("6.1.0");
    expect(parseBrctlVersion(out("version-brctl"))).toBe("1.7");
  });

  it("reads the UML kernel release", () => {
    expect(parseUmlVersion(out("version-linux.uml"))).toBe("6.1.176");
  });

  it("reads LVM and notices the kernel has no device-mapper", () => {
    expect(parseLvmVersion(out("version-lvm"), fixture("debian12-pvm/version-lvm.stderr"))).toEqual({
      version: "2.03.16(2)",
      driverVersion: null,
      deviceMapper: false,
    });
  });

  it("leaves device-mapper unknown when lvm says nothing about it", () => {
    expect(parseLvmVersion(out("version-lvm"), "").deviceMapper).toBeNull();
  });

  it("returns null, never throws, on output from something else", () => {
    const junk = fixture("debian12-pvm/xen-xl.stderr");
    for (const parse of [parseQemuVersion, parseQemuImgVersion, parseIpVersion, parseBridgeVersion, parseBrctlVersion, parseUmlVersion]) {
      expect(parse(junk)).toBeNull();
      expect(parse("")).toBeNull();
    }
    expect(parseLvmVersion("", "")).toEqual({ version: null, driverVersion: null, deviceMapper: null });
  });
});
