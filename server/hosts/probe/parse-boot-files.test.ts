import { describe, expect, it } from "vitest";
import { parseBootEntries, pickTestKernel } from "./parse-boot-files";
import { fixture } from "./test-fixtures";

describe("pickTestKernel", () => {
  it("finds no kernel on the probe host (empty /boot, no /vmlinuz)", () => {
    const bootEntries = parseBootEntries(fixture("debian12-pvm/boot-files.stdout"));
    expect(bootEntries).toEqual([]);
    expect(pickTestKernel({ release: "6.18.44-fc-v595", bootEntries, rootVmlinuz: false })).toBeNull();
  });

  it("prefers the running kernel's image", () => {
    const bootEntries = ["config-6.1.0-9-amd64", "vmlinuz", "vmlinuz-6.1.0-9-amd64", "vmlinuz-6.1.0-10-amd64"];
    expect(pickTestKernel({ release: "6.1.0-10-amd64", bootEntries, rootVmlinuz: true })).toBe("/boot/vmlinuz-6.1.0-10-amd64");
  });

  it("then /boot/vmlinuz, then /vmlinuz", () => {
    expect(pickTestKernel({ release: "x", bootEntries: ["vmlinuz", "vmlinuz-6.1.0-9-amd64"], rootVmlinuz: true })).toBe("/boot/vmlinuz");
    expect(pickTestKernel({ release: "x", bootEntries: ["vmlinuz-6.1.0-9-amd64"], rootVmlinuz: true })).toBe("/vmlinuz");
  });

  it("falls back to another vmlinuz-*, a rescue image last", () => {
    const bootEntries = ["vmlinuz-0-rescue-0123abcd", "vmlinuz-6.5.6-300.fc39.x86_64"];
    expect(pickTestKernel({ release: "x", bootEntries, rootVmlinuz: false })).toBe("/boot/vmlinuz-6.5.6-300.fc39.x86_64");
    expect(pickTestKernel({ release: "x", bootEntries: ["vmlinuz-0-rescue-0123abcd"], rootVmlinuz: false })).toBe(
      "/boot/vmlinuz-0-rescue-0123abcd",
    );
  });
});
