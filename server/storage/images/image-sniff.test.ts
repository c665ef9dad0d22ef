import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LabdeckError } from "../../errors";
import { parseSniff, sniffArgv } from "./image-sniff";

// Fixtures: real `head -c 96 | od -An -tx1 -v` output (fixtures/README.md).
const fx = (name: string) => readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");

describe("parseSniff", () => {
  it("suggests qcow2 for the qcow2 magic and raw for anything without a known magic", () => {
    expect(parseSniff(fx("sniff-qcow2.od"))).toEqual({ kind: "guest-format", format: "qcow2" });
    expect(parseSniff(fx("sniff-raw.od"))).toEqual({ kind: "guest-format", format: "raw" });
  });
  it("names a VMDK descriptor as vmdk (not a guest format), so it is never suggested", () => {
    expect(parseSniff(fx("sniff-vmdk-descriptor.od"))).toEqual({ kind: "other", format: "vmdk" });
  });
  it("reads 'absent' and refuses anything that is not od output", () => {
    expect(parseSniff("absent\n")).toEqual({ kind: "absent" });
    expect(() => parseSniff("qemu-img: oops")).toThrow(LabdeckError);
    expect(() => parseSniff("00 ".repeat(1000))).toThrow(LabdeckError);
  });
  it("is a fixed script with the path as its argument, and refuses an unusual path", () => {
    const argv = sniffArgv("/srv/images/-x.img");
    expect(argv).toEqual(["sh", "-c", expect.stringContaining('head -c 96 -- "$1"'), "sh", "/srv/images/-x.img"]);
    expect(() => sniffArgv("/srv/images/$(reboot).img")).toThrow(LabdeckError);
  });
});
