import { describe, expect, it } from "vitest";
import { LabdeckError } from "../../errors";
import { storageOpReads } from "./build-storage-plan";
import { shrinkFloor } from "./shrink";
import { fixtureReads, labStorage, lvOf, plan, refusal, unmounted } from "./test-fixtures";

// thinvol of the lvm-lab capture is a 1 GiB ext4 volume mounted on /mnt/thin with 24 MiB
// written; the read fixtures are of the same volume, taken the same way.
const lab = labStorage("lvm-lab");
const MiB = 2 ** 20;
const mounted = fixtureReads("ext4-1g-24m-mounted");
const offline = fixtureReads("ext4-1g-24m-unmounted");
const shrink = (size: string, lv = "thinvol") => ({ op: "lv.shrink", vg: "labvg", lv, size, confirm: `labvg/${lv}` }) as const;

describe("lv.shrink of a mounted ext4 volume", () => {
  it("asks for the superblock, resize2fs's minimum and df", () => {
    expect(storageOpReads(lab, shrink("512M")).map((r) => [r.id, r.argv])).toEqual([
      ["dumpe2fs", ["dumpe2fs", "-h", "/dev/labvg/thinvol"]],
      ["resize2fs-min", ["resize2fs", "-P", "/dev/labvg/thinvol"]],
      ["df", ["df", "-B1", "--output=used,size", "/mnt/thin"]],
    ]);
  });

  it("unmounts, checks, shrinks the filesystem, then the volume, and mounts again", () => {
    const p = plan(lab, shrink("512M"), { reads: mounted });
    expect(p.steps.map((s) => [s.argv, s.undo, s.okExitStatuses])).toEqual([
      [["umount", "/mnt/thin"], ["mount", "/dev/labvg/thinvol", "/mnt/thin"], undefined],
      [["e2fsck", "-f", "-y", "/dev/labvg/thinvol"], undefined, [1]],
      [["resize2fs", "/dev/labvg/thinvol", "524288K"], ["resize2fs", "/dev/labvg/thinvol"], undefined],
      [["lvreduce", "-f", "-L", `${512 * MiB}b`, "labvg/thinvol"], undefined, undefined],
      [["mount", "/dev/labvg/thinvol", "/mnt/thin"], undefined, undefined],
    ]);
    expect(p.title).toBe("Shrink labvg/thinvol to 512 MiB");
  });

  it("takes a size relative to the current one, as lvreduce -L -512M does, and says the result", () => {
    const p = plan(lab, shrink("-512M"), { reads: mounted });
    expect(p.title).toBe("Shrink labvg/thinvol to 512 MiB");
    expect(p.steps[3]?.argv).toEqual(["lvreduce", "-f", "-L", `${512 * MiB}b`, "labvg/thinvol"]);
    expect(refusal(lab, shrink("+64M"), { reads: mounted }).message).toMatch(/^op\.size: .*would grow it/);
  });

  it("rounds the new size up to whole extents and hands resize2fs exactly that", () => {
    const p = plan(lab, shrink("509.5M"), { reads: mounted });
    expect(p.steps[2]?.argv).toEqual(["resize2fs", "/dev/labvg/thinvol", "524288K"]);
    expect(p.steps[3]?.argv).toContain(`${512 * MiB}b`);
  });

  it("refuses below what is used plus a margin, and accepts just above it", () => {
    // resize2fs -P: 19142 blocks of 4 KiB (74.77 MiB) is more than df's 24 MiB; + 16 MiB.
    expect(shrinkFloor(mounted, true)).toEqual({ usedBytes: 25190400, minBytes: 19142 * 4096, requiredBytes: 19142 * 4096 + 16 * MiB });
    expect(refusal(lab, shrink("88M"), { reads: mounted })).toEqual({
      field: "op.size",
      message:
        "op.size: 88 MiB is too small for labvg/thinvol: 24.02 MiB used, resize2fs needs at least 74.77 MiB, so with a margin it must stay at least 90.77 MiB",
    });
    expect(plan(lab, shrink("92M"), { reads: mounted }).steps[3]?.argv).toEqual(["lvreduce", "-f", "-L", `${92 * MiB}b`, "labvg/thinvol"]);
  });

  it("uses a margin of a tenth for a large filesystem", () => {
    const big = { ...mounted, "resize2fs-min": "Estimated minimum size of the filesystem: 102400\n" };
    expect(shrinkFloor(big, true).requiredBytes).toBe(400 * MiB + 40 * MiB);
  });

  it("refuses without the confirmation, and sizes that do not shrink", () => {
    expect(refusal(lab, { ...shrink("512M"), confirm: "thinvol" }, { reads: mounted })).toEqual({
      field: "op.confirm",
      message: 'op.confirm: type "labvg/thinvol" to confirm shrinking it',
    });
    expect(refusal(lab, shrink("1G"), { reads: mounted }).message).toBe(
      "op.size: 1 GiB is not less than the current 1 GiB of labvg/thinvol",
    );
    expect(refusal(lab, shrink("1023M"), { reads: mounted }).message).toMatch(/\(rounded up to whole extents\) is not less than/);
  });

  it("refuses xfs, origins, snapshots, swap, guests and a second mount", () => {
    expect(refusal(lab, shrink("304M", "xfsvol"))).toEqual({
      field: "op.lv",
      message: "op.lv: labvg/xfsvol holds xfs, and xfs cannot shrink: copy the data to a smaller volume instead",
    });
    expect(refusal(lab, shrink("128M", "data")).message).toMatch(/has snapshot data-snap/);
    expect(refusal(lab, shrink("32M", "data-snap")).message).toMatch(/is a snapshot volume/);
    const swap = structuredClone(lab);
    lvOf(swap, "xfsvol").filesystem = "swap";
    expect(refusal(swap, shrink("304M", "xfsvol")).message).toMatch(/swap space: remove it and create a smaller one/);
    expect(refusal(lab, shrink("512M"), { reads: mounted, usedBy: new Map([["/dev/mapper/labvg-thinvol", ["web1"]]]) }).message).toBe(
      "op.lv: labvg/thinvol is used by web1",
    );
    const twice = structuredClone(lab);
    const m = twice.mounts.find((x) => x.target === "/mnt/thin");
    if (m) twice.mounts.push({ ...m, target: "/srv/again" });
    expect(refusal(twice, shrink("512M"), { reads: mounted }).message).toBe(
      "op.lv: labvg/thinvol is mounted more than once (/mnt/thin, /srv/again); unmount all but one first",
    );
    expect(refusal(lab, shrink("512M", "thinsnap")).message).toMatch(/no filesystem found on labvg\/thinsnap \(it is inactive\)/);
  });

  it("fails loudly, never plans, when a read is missing or unreadable", () => {
    expect(() => plan(lab, shrink("512M"), { reads: { dumpe2fs: mounted.dumpe2fs ?? "" } })).toThrow(LabdeckError);
    expect(() => plan(lab, shrink("512M"), { reads: { ...mounted, "resize2fs-min": "resize2fs: Bad magic number\n" } })).toThrow(
      /no estimated minimum/,
    );
  });
});

describe("lv.shrink of an unmounted ext4 volume", () => {
  const cold = unmounted(lab, "thinvol");

  it("reads the superblock's own counts and needs no unmount", () => {
    expect(storageOpReads(cold, shrink("512M")).map((r) => r.id)).toEqual(["dumpe2fs", "resize2fs-min"]);
    expect(shrinkFloor(offline, false).usedBytes).toBe((262144 - 243045) * 4096);
    expect(plan(cold, shrink("512M"), { reads: offline }).steps.map((s) => s.argv[0])).toEqual(["e2fsck", "resize2fs", "lvreduce"]);
  });

  it("refuses one held open by something that is not a mount", () => {
    const held = structuredClone(cold);
    lvOf(held, "thinvol").attr.open = true;
    expect(refusal(held, shrink("512M"), { reads: offline }).message).toMatch(/is open though not mounted here/);
  });
});
