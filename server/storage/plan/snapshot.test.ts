import { describe, expect, it } from "vitest";
import { storageOpReads } from "./build-storage-plan";
import { argvs, labStorage, lvOf, plan, refusal, unmounted, withoutMount } from "./test-fixtures";

const lab = labStorage("lvm-lab");
const MiB = 2 ** 20;
// data is mounted on /mnt/data and, through a bind mount of a subdirectory, on /mnt/bind.
const dataOnce = withoutMount(lab, "/mnt/bind");

describe("snapshot.create", () => {
  it("takes a COW snapshot of the given size, undone by lvremove", () => {
    const p = plan(lab, { op: "snapshot.create", vg: "labvg", origin: "xfsvol", name: "before", size: "100M" });
    expect(p.steps).toEqual([
      {
        argv: ["lvcreate", "-s", "-L", `${100 * MiB}b`, "-n", "before", "labvg/xfsvol"],
        purpose: "take a snapshot labvg/before of labvg/xfsvol with 100 MiB of copy-on-write space",
        undo: ["lvremove", "-y", "labvg/before"],
      },
    ]);
    expect(p.warnings).toEqual(["Once more than 100 MiB of labvg/xfsvol has changed, the snapshot overflows and becomes useless."]);
    expect(storageOpReads(lab, { op: "snapshot.create", vg: "labvg", origin: "xfsvol", name: "before", size: "100M" })).toEqual([]);
  });

  it("adds a second snapshot to an origin, rounded to extents", () => {
    expect(argvs(plan(lab, { op: "snapshot.create", vg: "labvg", origin: "data", name: "again", size: "1M" }))).toEqual([
      ["lvcreate", "-s", "-L", `${4 * MiB}b`, "-n", "again", "labvg/data"],
    ]);
  });

  it("refuses thin and pool origins, a taken name and more than is free", () => {
    const base = { op: "snapshot.create", vg: "labvg", origin: "xfsvol", name: "s1", size: "64M" } as const;
    expect(refusal(lab, { ...base, origin: "thinvol" }).message).toMatch(/thin volume: its snapshots are thin too/);
    expect(refusal(lab, { ...base, origin: "pool" }).message).toMatch(/is a thin-pool volume/);
    expect(refusal(lab, { ...base, origin: "nope" }).field).toBe("op.origin");
    expect(refusal(lab, { ...base, name: "data-snap" })).toEqual({ field: "op.name", message: "op.name: labvg/data-snap already exists" });
    expect(refusal(lab, { ...base, size: "1G" })).toEqual({
      field: "op.size",
      message: "op.size: 1 GiB (256 extents of 4 MiB) is more than the 884 MiB free in labvg",
    });
  });
});

describe("snapshot.merge", () => {
  const merge = { op: "snapshot.merge", vg: "labvg", name: "data-snap" } as const;

  it("unmounts the origin, merges, cycles its activation, waits for the merge and mounts again", () => {
    const p = plan(dataOnce, merge);
    expect(p.steps.map((s) => [s.argv, s.undo])).toEqual([
      [
        ["umount", "/mnt/data"],
        ["mount", "/dev/labvg/data", "/mnt/data"],
      ],
      [["lvconvert", "--merge", "-i", "1", "labvg/data-snap"], undefined],
      [["lvchange", "-an", "labvg/data"], undefined],
      [["lvchange", "-ay", "labvg/data"], undefined],
      [["sh", "-c", expect.stringContaining('while lvs "$1/$2"'), "sh", "labvg", "data-snap", "1200"], undefined],
      [["mount", "/dev/labvg/data", "/mnt/data"], undefined],
    ]);
    expect(p.steps[4]?.timeoutMs).toBeGreaterThan(1200 * 1000);
    expect(p.warnings.join(" ")).toMatch(/no undo/);
  });

  it("merges at once when the origin is not mounted, and activates an inactive one", () => {
    const cold = unmounted(lab, "data");
    expect(argvs(plan(cold, merge)).map((a) => a.slice(0, 2))).toEqual([
      ["lvconvert", "--merge"],
      ["sh", "-c"],
    ]);
    lvOf(cold, "data").attr.active = false;
    expect(argvs(plan(cold, merge)).map((a) => a.slice(0, 2))).toEqual([
      ["lvconvert", "--merge"],
      ["lvchange", "-ay"],
      ["sh", "-c"],
    ]);
  });

  it("refuses an origin mounted twice or through a bind mount (which mount DEV DIR cannot put back)", () => {
    expect(refusal(lab, merge)).toEqual({
      field: "op.name",
      message: "op.name: its origin labvg/data is mounted more than once (/mnt/data, /mnt/bind); unmount all but one first",
    });
    expect(refusal(withoutMount(lab, "/mnt/data"), merge).message).toBe(
      "op.name: its origin labvg/data is mounted only through a bind mount of a directory in it (/mnt/bind); unmount that first",
    );
  });

  it("refuses what is not a healthy, idle snapshot, or an origin a guest uses", () => {
    expect(refusal(dataOnce, { ...merge, name: "thinsnap" }).message).toBe("op.name: labvg/thinsnap is not a snapshot");
    expect(refusal(dataOnce, { ...merge, name: "xfsvol" }).message).toBe("op.name: labvg/xfsvol is not a snapshot");
    const broken = structuredClone(dataOnce);
    lvOf(broken, "data-snap").attr.state = "invalid-snapshot";
    expect(refusal(broken, merge).message).toMatch(/overflowed its copy-on-write space and is invalid/);
    const merging = structuredClone(dataOnce);
    lvOf(merging, "data-snap").attr.merging = true;
    expect(refusal(merging, merge).message).toMatch(/already being merged/);
    const snapMounted = structuredClone(dataOnce);
    lvOf(snapMounted, "data-snap").mountpoints = ["/mnt/snap"];
    expect(refusal(snapMounted, merge).message).toBe("op.name: labvg/data-snap is mounted on /mnt/snap: release it first");
    expect(refusal(dataOnce, merge, { usedBy: new Map([["/dev/labvg/data", ["web1"]]]) }).message).toBe(
      "op.name: its origin labvg/data is used by web1: the content would change under the guest",
    );
  });
});
