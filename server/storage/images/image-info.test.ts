import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LabdeckError } from "../../errors";
import { checkImageWithinRoots, imageInfoArgv, MAX_CHAIN, MAX_INFO_BYTES, parseImageInfo } from "./image-info";

// Fixtures: real qemu-img 7.2.22 output on this project's test machine (fixtures/README.md).
const fx = (name: string) => readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");

describe("parseImageInfo", () => {
  it("reads a raw image", () => {
    expect(parseImageInfo(fx("qemu-img-info-raw.json"), "/tmp/imgfx/base/base.raw")).toMatchObject({
      path: "/tmp/imgfx/base/base.raw",
      format: "raw",
      virtualSize: 67108864,
      actualSize: 4096,
      backingFile: null,
    });
  });

  it("reads a qcow2 without backing", () => {
    const i = parseImageInfo(fx("qemu-img-info-qcow2.json"), "/tmp/imgfx/base/base.qcow2");
    expect(i).toMatchObject({ format: "qcow2", virtualSize: 134217728, backingFile: null });
    expect(i.chain).toHaveLength(1);
  });

  it("normalises a relative backing file qemu-img reports as dir/../file", () => {
    const i = parseImageInfo(fx("qemu-img-info-overlay.json"), "/tmp/imgfx/vm/overlay.qcow2");
    expect(i.backingFile).toBe("/tmp/imgfx/base/base.qcow2");
    expect(i.backingFormat).toBe("qcow2");
  });

  it("follows --backing-chain to the base", () => {
    const i = parseImageInfo(fx("qemu-img-info-chain.json"), "/tmp/imgfx/vm/overlay2.qcow2");
    expect(i.chain.map((l) => [l.path, l.backingFile])).toEqual([
      ["/tmp/imgfx/vm/overlay2.qcow2", "/tmp/imgfx/vm/overlay.qcow2"],
      ["/tmp/imgfx/vm/overlay.qcow2", "/tmp/imgfx/base/base.qcow2"],
      ["/tmp/imgfx/base/base.qcow2", null],
    ]);
  });

  it("refuses output that is not qemu-img's", () => {
    expect(() => parseImageInfo(fx("qemu-img-info-missing.stdout"), "/x")).toThrow(LabdeckError);
    expect(() => parseImageInfo("{}", "/x")).toThrow(/unexpected shape/);
  });
});

describe("checkImageWithinRoots", () => {
  const chain = () => parseImageInfo(fx("qemu-img-info-chain.json"), "/tmp/imgfx/vm/overlay2.qcow2");
  it("accepts a chain inside the roots", () => {
    expect(() => checkImageWithinRoots(chain(), ["/tmp/imgfx"], "disks.0.path")).not.toThrow();
  });
  it("refuses a backing file outside the roots, naming the disk field", () => {
    try {
      checkImageWithinRoots(chain(), ["/tmp/imgfx/vm"], "disks.0.path");
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: "BAD_INPUT", field: "disks.0.path" });
      expect((e as Error).message).toContain("/tmp/imgfx/base/base.qcow2");
    }
  });
  it("refuses a non-file backing (nbd, json:)", () => {
    const i = parseImageInfo(
      JSON.stringify({ filename: "/r/a.qcow2", format: "qcow2", "virtual-size": 1, "backing-filename": "nbd://10.0.0.1/x" }),
      "/r/a.qcow2",
    );
    expect(() => checkImageWithinRoots(i, ["/r"], "disks.1.path")).toThrow(/not a file/);
  });
  it("refuses a qcow2 with an external data file, even one inside the roots", () => {
    const i = parseImageInfo(fx("qemu-img-info-data-file.json"), "/tmp/imgfx/vm/df.qcow2");
    expect(i.dataFile).toBe("/tmp/imgfx/base/data.bin");
    expect(() => checkImageWithinRoots(i, ["/tmp/imgfx"], "disks.0.path")).toThrow(/data file "\/tmp\/imgfx\/base\/data.bin"/);
  });
  it("refuses a backing file whose format is not recorded (QEMU would probe it)", () => {
    // The overlay fixture with its recorded backing format taken out: qemu-img 7.2 no
    // longer writes such images, but older ones (and crafted headers) exist.
    const entries = JSON.parse(fx("qemu-img-info-chain.json")) as Record<string, unknown>[];
    delete entries[0]?.["backing-filename-format"];
    const i = parseImageInfo(JSON.stringify(entries), "/tmp/imgfx/vm/overlay2.qcow2");
    expect(() => checkImageWithinRoots(i, ["/tmp/imgfx"], "disks.0.path")).toThrow(/no recorded format/);
  });
  it("refuses a layer in another format, and a chain qemu-img did not finish", () => {
    const vmdk = parseImageInfo(
      JSON.stringify([
        { filename: "/r/a.qcow2", format: "qcow2", "virtual-size": 1, "backing-filename": "/r/b.vmdk", "backing-filename-format": "vmdk" },
        { filename: "/r/b.vmdk", format: "vmdk", "virtual-size": 1 },
      ]),
      "/r/a.qcow2",
    );
    expect(() => checkImageWithinRoots(vmdk, ["/r"], "disks.0.path")).toThrow(/vmdk/);
    const plain = parseImageInfo(fx("qemu-img-info-overlay.json"), "/tmp/imgfx/vm/overlay.qcow2");
    expect(() => checkImageWithinRoots(plain, ["/tmp/imgfx"], "disks.0.path")).toThrow(/could not be read/);
  });
  it("treats the output as hostile: bounded size and chain length", () => {
    expect(() => parseImageInfo(" ".repeat(MAX_INFO_BYTES + 1), "/x")).toThrow(/more than/);
    const layer = { filename: "/r/a", format: "qcow2", "virtual-size": 1 };
    expect(() => parseImageInfo(JSON.stringify(Array.from({ length: MAX_CHAIN + 1 }, () => layer)), "/r/a")).toThrow(/unexpected shape/);
    expect(() => parseImageInfo(JSON.stringify({ ...layer, "virtual-size": "1" }), "/r/a")).toThrow(/unexpected shape/);
  });
  it("forces the format, reads images in use (-U) and ends options before the path", () => {
    expect(imageInfoArgv("/r/a.qcow2", "qcow2")).toEqual([
      "qemu-img",
      "info",
      "-U",
      "-f",
      "qcow2",
      "--output=json",
      "--backing-chain",
      "--",
      "/r/a.qcow2",
    ]);
    expect(() => imageInfoArgv("/r/a.vmdk", "vmdk" as "raw")).toThrow(LabdeckError);
  });
});
