import { describe, expect, it } from "vitest";
import { storageOpReads } from "./build-storage-plan";
import { fstabAppendArgv, fstabRemoveArgv } from "./fs-steps";
import { argvs, labStorage, lvOf, plan, refusal, unmounted } from "./test-fixtures";

const lab = labStorage("lvm-lab");
const MiB = 2 ** 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const absentDir = { reads: { mountpoint: "absent\n" } };

describe("lv.create", () => {
  it("rounds a size up to whole extents and passes it in bytes; the undo removes the volume", () => {
    const p = plan(lab, { op: "lv.create", vg: "labvg", name: "web", size: "10M" });
    expect(p.steps).toEqual([
      {
        argv: ["lvcreate", "-y", "-W", "y", "-n", "web", "-L", `${12 * MiB}b`, "labvg"],
        purpose: "create logical volume labvg/web of 12 MiB (3 extents of 4 MiB)",
        undo: ["lvremove", "-y", "labvg/web"],
      },
    ]);
    expect(argvs(plan(lab, { op: "lv.create", vg: "labvg", name: "web", extents: 5 }))).toEqual([
      ["lvcreate", "-y", "-W", "y", "-n", "web", "-L", `${20 * MiB}b`, "labvg"],
    ]);
    expect(argvs(plan(lab, { op: "lv.create", vg: "labvg", name: "web", extents: 221 }))[0]).toContain(`${884 * MiB}b`);
  });

  it("refuses more than the group has free, giving both sizes", () => {
    expect(refusal(lab, { op: "lv.create", vg: "labvg", name: "web", size: "885M" })).toEqual({
      field: "op.size",
      message: "op.size: 888 MiB (222 extents of 4 MiB) is more than the 884 MiB free in labvg",
    });
    expect(refusal(lab, { op: "lv.create", vg: "labvg", name: "web", size: "1G" }).message).toBe(
      "op.size: 1 GiB (256 extents of 4 MiB) is more than the 884 MiB free in labvg",
    );
    expect(refusal(lab, { op: "lv.create", vg: "labvg", name: "web", extents: 222 })).toEqual({
      field: "op.extents",
      message: "op.extents: 222 extents is more than the 221 free in labvg (884 MiB)",
    });
  });

  it("refuses a bad combination of fields", () => {
    const base = { op: "lv.create", vg: "labvg", name: "web" } as const;
    expect(refusal(lab, { ...base }).field).toBe("op.size");
    expect(refusal(lab, { ...base, size: "8M", extents: 2 }).field).toBe("op.extents");
    expect(refusal(lab, { ...base, size: "0M" }).field).toBe("op.size");
    expect(refusal(lab, { ...base, size: "8 GB" }).message).toMatch(/ambiguous/);
    expect(refusal(lab, { ...base, name: "data", size: "8M" })).toEqual({
      field: "op.name",
      message: "op.name: labvg/data already exists",
    });
    expect(refusal(lab, { ...base, name: "snapshot1", size: "8M" }).field).toBe("op.name");
    expect(refusal(lab, { ...base, vg: "nope", size: "8M" }).field).toBe("op.vg");
    expect(refusal(lab, { ...base, size: "100M", filesystem: "xfs" }).message).toMatch(/xfs needs at least 300 MiB/);
    expect(refusal(lab, { ...base, size: "8M", filesystem: "swap", mountpoint: "/srv/x" }, absentDir).field).toBe("op.mountpoint");
    expect(refusal(lab, { ...base, size: "8M", mountpoint: "/srv/x" }, absentDir).field).toBe("op.mountpoint");
    expect(refusal(lab, { ...base, size: "8M", filesystem: "ext4", fstab: true }).field).toBe("op.fstab");
    expect(refusal(lab, { ...base, size: "8M", filesystem: "ext4", mountpoint: "/srv/../etc" }).field).toBe("op.mountpoint");
  });

  it("refuses a mount point that is in use or not a directory", () => {
    const base = { op: "lv.create", vg: "labvg", name: "web", size: "8M", filesystem: "ext4" } as const;
    expect(refusal(lab, { ...base, mountpoint: "/mnt/xfs" }, { reads: { mountpoint: "dir" } }).message).toBe(
      "op.mountpoint: /dev/mapper/labvg-xfsvol is already mounted on /mnt/xfs",
    );
    expect(refusal(lab, { ...base, mountpoint: "/srv/x" }, { reads: { mountpoint: "file\n" } }).message).toBe(
      "op.mountpoint: /srv/x exists and is not a directory",
    );
    expect(refusal(lab, { ...base, mountpoint: "/srv/x" }, { reads: { mountpoint: "link\n" } }).message).toMatch(/symbolic link/);
  });

  it("makes, mounts and lists an ext4 filesystem under a UUID chosen before mkfs", () => {
    const op = { op: "lv.create", vg: "labvg", name: "web", size: "64M", filesystem: "ext4", mountpoint: "/srv/web", fstab: true } as const;
    expect(storageOpReads(lab, op)).toEqual([
      { id: "mountpoint", argv: ["sh", "-c", expect.stringContaining("echo absent"), "sh", "/srv/web"], purpose: expect.any(String) },
    ]);
    const p = plan(lab, op, { reads: { mountpoint: "absent\n" } });
    const uuid = p.steps[1]?.argv[4] ?? "";
    expect(uuid).toMatch(UUID);
    const line = `UUID=${uuid} /srv/web ext4 defaults,nofail 0 2`;
    expect(p.steps.map((s) => [s.argv, s.undo])).toEqual([
      [
        ["lvcreate", "-y", "-W", "y", "-n", "web", "-L", `${64 * MiB}b`, "labvg"],
        ["lvremove", "-y", "labvg/web"],
      ],
      [["mkfs.ext4", "-F", "-q", "-U", uuid, "/dev/labvg/web"], undefined],
      [["udevadm", "settle", "--timeout=30"], undefined],
      [
        ["mkdir", "-p", "/srv/web"],
        ["rmdir", "/srv/web"],
      ],
      [
        ["mount", "/dev/labvg/web", "/srv/web"],
        ["umount", "/srv/web"],
      ],
      [fstabAppendArgv(line), fstabRemoveArgv(line)],
    ]);
    expect(p.steps[2]?.bestEffort).toBe(true);
    // Two plans never share a UUID.
    expect(plan(lab, op, { reads: { mountpoint: "absent" } }).steps[1]?.argv[4]).not.toBe(uuid);
  });

  it("keeps an existing directory, and gives xfs and swap their own UUID options", () => {
    const xfs = plan(
      lab,
      { op: "lv.create", vg: "labvg", name: "big", size: "300M", filesystem: "xfs", mountpoint: "/srv/big", fstab: true },
      { reads: { mountpoint: "dir\n" } },
    );
    const uuid = xfs.steps[1]?.argv[4]?.replace("uuid=", "") ?? "";
    expect(uuid).toMatch(UUID);
    expect(argvs(xfs)).toEqual([
      ["lvcreate", "-y", "-W", "y", "-n", "big", "-L", `${300 * MiB}b`, "labvg"],
      ["mkfs.xfs", "-f", "-q", "-m", `uuid=${uuid}`, "/dev/labvg/big"],
      ["udevadm", "settle", "--timeout=30"],
      ["mount", "/dev/labvg/big", "/srv/big"],
      fstabAppendArgv(`UUID=${uuid} /srv/big xfs defaults,nofail 0 0`),
    ]);
    const swap = plan(lab, { op: "lv.create", vg: "labvg", name: "sw", size: "32M", filesystem: "swap" });
    expect(swap.steps[1]?.argv).toEqual(["mkswap", "-U", expect.stringMatching(UUID), "/dev/labvg/sw"]);
  });
});

describe("lv.grow", () => {
  it("takes a size relative to the current one, as lvextend -L +64M does, and says the result", () => {
    const p = plan(lab, { op: "lv.grow", vg: "labvg", lv: "xfsvol", size: "+64M" });
    expect(p.summary).toMatch(/grows from 320 MiB to 384 MiB/);
    expect(refusal(lab, { op: "lv.grow", vg: "labvg", lv: "xfsvol", size: "-64M" }).message).toMatch(/^op\.size: .*would shrink it/);
  });

  it("grows the volume, then an ext4 filesystem online, with no undo", () => {
    const p = plan(lab, { op: "lv.grow", vg: "labvg", lv: "thinvol", size: "2G" });
    expect(p.steps.map((s) => [s.argv, s.undo])).toEqual([
      [["lvextend", "-L", `${2048 * MiB}b`, "labvg/thinvol"], undefined],
      [["resize2fs", "/dev/labvg/thinvol"], undefined],
    ]);
    expect(p.warnings.join(" ")).toMatch(/no undo/);
  });

  it("checks an unmounted ext4 filesystem before growing it, and grows xfs through its mount point", () => {
    expect(argvs(plan(unmounted(lab, "thinvol"), { op: "lv.grow", vg: "labvg", lv: "thinvol", size: "2G" }))).toEqual([
      ["lvextend", "-L", `${2048 * MiB}b`, "labvg/thinvol"],
      ["e2fsck", "-f", "-y", "/dev/labvg/thinvol"],
      ["resize2fs", "/dev/labvg/thinvol"],
    ]);
    expect(argvs(plan(lab, { op: "lv.grow", vg: "labvg", lv: "xfsvol", size: "400M" }))).toEqual([
      ["lvextend", "-L", `${400 * MiB}b`, "labvg/xfsvol"],
      ["xfs_growfs", "/mnt/xfs"],
    ]);
    expect(refusal(unmounted(lab, "xfsvol"), { op: "lv.grow", vg: "labvg", lv: "xfsvol", size: "400M" }).message).toMatch(
      /grows only while mounted .*mount it first/,
    );
  });

  it("leaves a guest's filesystem to the guest, and an inactive volume's unknown one alone", () => {
    const p = plan(lab, { op: "lv.grow", vg: "labvg", lv: "thinvol", size: "2G" }, { usedBy: new Map([["/dev/labvg/thinvol", ["web1"]]]) });
    expect(argvs(p)).toEqual([["lvextend", "-L", `${2048 * MiB}b`, "labvg/thinvol"]]);
    expect(p.warnings).toContain("Used by web1: only the volume grows; grow the filesystem from inside the guest.");
    const inactive = plan(lab, { op: "lv.grow", vg: "labvg", lv: "thinsnap", size: "2G" });
    expect(argvs(inactive)).toEqual([["lvextend", "-L", `${2048 * MiB}b`, "labvg/thinsnap"]]);
    expect(inactive.warnings.join(" ")).toMatch(/inactive/);
  });

  it("refuses a size that is not larger or not free, origins, snapshots, pools and swap", () => {
    expect(refusal(lab, { op: "lv.grow", vg: "labvg", lv: "xfsvol", size: "320M" }).message).toMatch(
      /320 MiB is not more than the current 320 MiB .*shrink it/,
    );
    expect(refusal(lab, { op: "lv.grow", vg: "labvg", lv: "xfsvol", size: "1.5G" }).message).toBe(
      "op.size: growing to 1.5 GiB needs 1.19 GiB more, but labvg has 884 MiB free",
    );
    expect(refusal(lab, { op: "lv.grow", vg: "labvg", lv: "data", size: "1G" }).message).toMatch(
      /has snapshot data-snap: LVM resizes a snapshot origin only while it is inactive/,
    );
    expect(refusal(lab, { op: "lv.grow", vg: "labvg", lv: "data-snap", size: "1G" }).message).toMatch(/is a snapshot volume/);
    expect(refusal(lab, { op: "lv.grow", vg: "labvg", lv: "pool", size: "1G" }).message).toMatch(/is a thin-pool volume/);
    expect(refusal(lab, { op: "lv.grow", vg: "labvg", lv: "pool_tdata", size: "1G" }).message).toMatch(
      /^op\.lv: names containing _cdata, _tmeta/,
    );
    const swap = structuredClone(lab);
    lvOf(swap, "xfsvol").filesystem = "swap";
    expect(refusal(swap, { op: "lv.grow", vg: "labvg", lv: "xfsvol", size: "400M" }).message).toMatch(/is swap space/);
  });
});

describe("lv.remove", () => {
  it("removes a volume nothing holds, warning about an fstab line that still names it", () => {
    const free = unmounted(lab, "xfsvol");
    const op = { op: "lv.remove", vg: "labvg", lv: "xfsvol" } as const;
    expect(storageOpReads(free, op)).toEqual([
      { id: "fstab", argv: ["sh", "-c", "cat /etc/fstab 2>/dev/null; exit 0"], purpose: expect.any(String) },
    ]);
    const line = `UUID=${lvOf(lab, "xfsvol").filesystemUuid} /mnt/xfs xfs defaults 0 0`;
    const p = plan(free, op, { reads: { fstab: `# static\nLABEL=labroot / ext4 rw 0 1\n${line}\n` } });
    expect(p.steps).toEqual([
      { argv: ["lvremove", "-y", "labvg/xfsvol"], purpose: "remove logical volume labvg/xfsvol (320 MiB; no undo)" },
    ]);
    expect(p.warnings).toContain(`/etc/fstab still names it: "${line}". Remove that line, or the host may wait for the volume at boot.`);
    expect(plan(free, op, { reads: { fstab: "" } }).warnings).toEqual(["Removing a volume has no undo: its data is gone."]);
  });

  it("drops a snapshot without reading fstab (it shares its origin's UUID)", () => {
    const op = { op: "lv.remove", vg: "labvg", lv: "data-snap" } as const;
    expect(storageOpReads(lab, op)).toEqual([]);
    const p = plan(lab, op);
    expect(p.title).toBe("Drop snapshot labvg/data-snap");
    expect(argvs(p)).toEqual([["lvremove", "-y", "labvg/data-snap"]]);
  });

  it("refuses saying what holds the volume", () => {
    expect(refusal(lab, { op: "lv.remove", vg: "labvg", lv: "xfsvol" })).toEqual({
      field: "op.lv",
      message: "op.lv: labvg/xfsvol is mounted on /mnt/xfs",
    });
    expect(refusal(lab, { op: "lv.remove", vg: "labvg", lv: "data" }).message).toBe(
      "op.lv: labvg/data still has snapshots data-snap: remove it first",
    );
    expect(refusal(lab, { op: "lv.remove", vg: "labvg", lv: "pool" }).message).toBe(
      "op.lv: labvg/pool still has thin volumes thinsnap, thinvol: remove them first",
    );
    expect(
      refusal(lab, { op: "lv.remove", vg: "labvg", lv: "thinsnap" }, { usedBy: new Map([["/dev/labvg/thinsnap", ["web1"]]]) }).message,
    ).toBe("op.lv: labvg/thinsnap is used by guest web1");
    const open = unmounted(lab, "xfsvol");
    lvOf(open, "xfsvol").attr.open = true;
    expect(refusal(open, { op: "lv.remove", vg: "labvg", lv: "xfsvol" }).message).toMatch(/is open \(a running guest/);
    expect(refusal(lab, { op: "lv.remove", vg: "labvg", lv: "nope" }).message).toBe("op.lv: there is no logical volume labvg/nope");
  });
});
