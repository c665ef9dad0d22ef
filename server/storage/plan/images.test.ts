import { describe, expect, it } from "vitest";
import { storageOpReads } from "./build-storage-plan";
import { mkfsArgv } from "./fs-steps";
import { labStorage, plan, qemuInfo, refusal } from "./test-fixtures";

// Images need no LVM: the fresh capture stands for any host.
const host = labStorage("fresh");
const MiB = 2 ** 20;
const IMG = "/srv/images/a.qcow2";
const newFile = { reads: { path: "absent\n", parent: "dir\n" } };

describe("image.create", () => {
  it("asks whether the path and its directory exist, then creates the image, undone by rm -f", () => {
    const op = { op: "image.create", path: IMG, format: "qcow2", size: "10G" } as const;
    expect(storageOpReads(host, op).map((r) => [r.id, r.argv.slice(-1)[0]])).toEqual([
      ["path", IMG],
      ["parent", "/srv/images"],
    ]);
    expect(plan(host, op, newFile).steps).toEqual([
      {
        argv: ["qemu-img", "create", "-q", "-f", "qcow2", IMG, String(10 * 2 ** 30)],
        purpose: `create a 10 GiB qcow2 image at ${IMG}`,
        undo: ["rm", "-f", IMG],
      },
    ]);
  });

  it("refuses an existing path, a missing directory, paths outside the roots and part sectors", () => {
    const op = { op: "image.create", path: IMG, format: "raw", size: "1G" } as const;
    expect(refusal(host, op, { reads: { path: "file\n", parent: "dir\n" } })).toEqual({
      field: "op.path",
      message: `op.path: ${IMG} already exists (a file); Labdeck never overwrites it`,
    });
    expect(refusal(host, op, { reads: { path: "absent\n", parent: "absent\n" } }).message).toBe(
      "op.path: the directory /srv/images does not exist",
    );
    expect(refusal(host, { ...op, path: "/etc/passwd" }, newFile).message).toMatch(/outside the host's roots \(\/srv\/images\)/);
    expect(refusal(host, { ...op, path: "/srv/images/../x" }, newFile).field).toBe("op.path");
    expect(refusal(host, { ...op, size: "1000B" }, newFile)).toEqual({
      field: "op.size",
      message: "op.size: 1000 bytes is not a whole number of 512-byte sectors",
    });
  });
});

describe("image.resize", () => {
  const op = { op: "image.resize", path: IMG, size: "128M" } as const;

  it("grows an image in the format qemu-img read, with no undo", () => {
    expect(storageOpReads(host, op)).toEqual([
      {
        id: "info",
        argv: ["sh", "-c", expect.stringContaining('qemu-img info -U -f "$f" --output=json --backing-chain -- "$1"'), "sh", IMG],
        purpose: expect.any(String),
      },
    ]);
    const p = plan(host, op, { reads: { info: qemuInfo("disk.qcow2") } });
    expect(p.steps).toEqual([
      {
        argv: ["qemu-img", "resize", "-q", "-f", "qcow2", IMG, String(128 * MiB)],
        purpose: `grow ${IMG} from 64 MiB to 128 MiB (no undo)`,
      },
    ]);
  });

  it("never lets qemu-img probe: the format comes from the qcow2 magic, else raw", () => {
    const script = storageOpReads(host, op)[0]?.argv[2] ?? "";
    expect(script).toContain('if [ "$m" = 514649fb ]; then f=qcow2; else f=raw; fi');
    expect(script).not.toMatch(/qemu-img info -U --output/);
  });

  it("refuses to grow an image with an external data file or a backing file outside the roots", () => {
    expect(refusal(host, op, { reads: { info: qemuInfo("overlay.qcow2") } }).field).toBe("op.path");
  });

  it("only grows, only existing qcow2 or raw images, and warns when a guest uses it", () => {
    expect(refusal(host, { ...op, size: "64M" }, { reads: { info: qemuInfo("disk.qcow2") } }).message).toMatch(
      /64 MiB is not more than the current 64 MiB: images only grow/,
    );
    expect(refusal(host, op, { reads: { info: "absent\n" } }).message).toBe(`op.path: ${IMG} does not exist`);
    expect(refusal(host, op, { reads: { info: qemuInfo("disk.vmdk") } }).message).toMatch(/is a vmdk image; Labdeck handles qcow2 and raw/);
    const used = plan(host, op, { reads: { info: qemuInfo("disk.qcow2") }, usedBy: new Map([[IMG, ["web1"]]]) });
    expect(used.warnings).toEqual([expect.stringMatching(/^Used by web1: the guest sees the new size/)]);
  });
});

describe("image.convert", () => {
  const op = { op: "image.convert", path: IMG, target: "/srv/images/a.raw", format: "raw" } as const;
  const reads = { info: qemuInfo("disk.qcow2"), target: "absent\n", "target-parent": "dir\n" };

  it("copies with the source format named, undone by removing the copy", () => {
    expect(storageOpReads(host, op).map((r) => r.id)).toEqual(["info", "target", "target-parent"]);
    expect(plan(host, op, { reads }).steps).toEqual([
      {
        argv: ["qemu-img", "convert", "-f", "qcow2", "-O", "raw", IMG, "/srv/images/a.raw"],
        purpose: expect.any(String),
        undo: ["rm", "-f", "/srv/images/a.raw"],
        timeoutMs: expect.any(Number),
      },
    ]);
  });

  it("refuses a backing file outside the roots, an existing or outside target, and itself", () => {
    expect(refusal(host, op, { reads: { ...reads, info: qemuInfo("overlay.qcow2") } })).toEqual({
      field: "op.path",
      message: `op.path: backing file "/etc/hostname" is outside the host's roots (/srv/images)`,
    });
    expect(refusal(host, op, { reads: { ...reads, target: "dir\n" } }).message).toBe(
      "op.target: /srv/images/a.raw already exists (a directory); Labdeck never overwrites it",
    );
    expect(refusal(host, { ...op, target: "/tmp/a.raw" }, { reads }).field).toBe("op.target");
    expect(refusal(host, { ...op, path: "/tmp/a.qcow2" }, { reads }).field).toBe("op.path");
    expect(refusal(host, { ...op, target: IMG }, { reads }).message).toBe("op.target: the copy needs a path of its own");
  });
});

describe("rootfile.create", () => {
  it("makes a sparse file with an ext4 filesystem", () => {
    const p = plan(host, { op: "rootfile.create", path: "/srv/images/root.ext4", size: "1G", filesystem: "ext4" }, newFile);
    expect(p.steps.map((s) => [s.argv, s.undo])).toEqual([
      [
        ["truncate", "-s", String(2 ** 30), "/srv/images/root.ext4"],
        ["rm", "-f", "/srv/images/root.ext4"],
      ],
      [["mkfs.ext4", "-F", "-q", "/srv/images/root.ext4"], undefined],
    ]);
  });

  it("makes swap readable by root only before mkswap", () => {
    const p = plan(host, { op: "rootfile.create", path: "/srv/images/guest.swap", size: "256M", filesystem: "swap" }, newFile);
    expect(p.steps.map((s) => s.argv)).toEqual([
      ["truncate", "-s", String(256 * MiB), "/srv/images/guest.swap"],
      ["chmod", "600", "/srv/images/guest.swap"],
      ["mkswap", "/srv/images/guest.swap"],
    ]);
    expect(mkfsArgv("swap", "/x")).toEqual(["mkswap", "/x"]);
  });

  it("refuses a tiny file and an existing path", () => {
    const op = { op: "rootfile.create", path: "/srv/images/r", size: "512K", filesystem: "ext4" } as const;
    expect(refusal(host, op, newFile).message).toBe("op.size: 512 KiB is too small for a filesystem or swap; give at least 1M");
    expect(refusal(host, { ...op, size: "8M" }, { reads: { path: "link\n", parent: "dir\n" } }).message).toMatch(
      /already exists \(a symbolic link\)/,
    );
  });
});
