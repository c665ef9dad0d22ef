import { describe, expect, it } from "vitest";
import type { TPlanStep } from "../../jobs/plan";
import type { TStorageOp } from "../ops";
import type { THostStorage } from "../storage-model";
import { buildStoragePlan, storageOpReads } from "./build-storage-plan";
import { assertFsShrunkBeforeLvreduce } from "./checks";
import { fixtureReads, labStorage, qemuInfo, unmounted, withoutLvs, withoutMount } from "./test-fixtures";
import type { StoragePlan } from "./types";

// The one rule no storage plan may break: lvreduce never runs unless the filesystem on
// that volume was shrunk to at most the new size earlier in the same plan. This file
// plans every op the planners know, at many sizes, on every fixture state, and checks
// each plan it gets with a scanner of its own (not the planner's assert).

const lab = labStorage("lvm-lab");
const states: [string, THostStorage][] = [
  ["fresh", labStorage("fresh")],
  ["lvm-lab", lab],
  ["thinvol unmounted", unmounted(lab, "thinvol")],
  ["data without bind mount", withoutMount(lab, "/mnt/bind")],
  ["data without snapshot", withoutLvs(withoutMount(lab, "/mnt/bind"), ["data-snap"])],
  ["data unmounted, no snapshot", withoutLvs(unmounted(lab, "data"), ["data-snap"])],
];

// Answers to every read any op may ask for: the mounted ext4 capture for df, both
// superblock captures for dumpe2fs, and "absent"/"dir" so creates can be planned.
const readSets: Record<string, string>[] = [
  {
    ...fixtureReads("ext4-1g-24m-mounted"),
    mountpoint: "absent",
    path: "absent",
    parent: "dir",
    target: "absent",
    "target-parent": "dir",
    info: qemuInfo("disk.qcow2"),
    fstab: "",
    device: "/dev/vdc",
  },
  {
    ...fixtureReads("ext4-1g-24m-unmounted"),
    df: fixtureReads("ext4-1g-24m-mounted").df ?? "",
    mountpoint: "dir",
    path: "absent",
    parent: "dir",
    target: "absent",
    "target-parent": "dir",
    info: qemuInfo("disk.raw"),
    fstab: "",
    device: "/dev/vdc",
  },
];

const sizes = ["1M", "16M", "64M", "90M", "92M", "100M", "255M", "256M", "300M", "509.5M", "512M", "1000M", "1023M", "1G", "2G"];
const lvNames = ["data", "data-snap", "xfsvol", "thinvol", "thinsnap", "pool"];

function ops(): TStorageOp[] {
  const list: TStorageOp[] = [];
  for (const lv of lvNames) {
    list.push({ op: "lv.remove", vg: "labvg", lv }, { op: "snapshot.merge", vg: "labvg", name: lv });
    for (const size of sizes) {
      list.push(
        { op: "lv.shrink", vg: "labvg", lv, size, confirm: `labvg/${lv}` },
        { op: "lv.grow", vg: "labvg", lv, size },
        { op: "snapshot.create", vg: "labvg", origin: lv, name: "snap1", size },
      );
    }
  }
  for (const size of sizes) {
    for (const filesystem of ["ext4", "xfs", "swap", undefined] as const) {
      list.push({
        op: "lv.create",
        vg: "labvg",
        name: "new",
        size,
        filesystem,
        ...(filesystem === "ext4" || filesystem === "xfs" ? { mountpoint: "/srv/new", fstab: true } : {}),
      });
    }
    list.push(
      { op: "image.create", path: "/srv/images/a.qcow2", format: "qcow2", size },
      { op: "image.resize", path: "/srv/images/a.qcow2", size },
      { op: "rootfile.create", path: "/srv/images/r", size, filesystem: "ext4" },
    );
  }
  list.push(
    { op: "pv.create", device: "/dev/vdc" },
    { op: "pv.remove", device: "/dev/vdb" },
    { op: "vg.create", name: "vg2", devices: ["/dev/vdc"] },
    { op: "vg.extend", vg: "labvg", device: "/dev/vdc" },
    { op: "vg.remove", vg: "labvg" },
    { op: "image.convert", path: "/srv/images/a.qcow2", target: "/srv/images/b.raw", format: "raw" },
  );
  return list;
}

/** Independent of checks.ts: the fs size set by the latest resize2fs on each device. */
function lvreduceViolations(steps: readonly TPlanStep[]): string[] {
  const fs = new Map<string, number>();
  const bad: string[] = [];
  for (const { argv } of steps) {
    if (argv[0] === "resize2fs") {
      const size = argv[2] === undefined ? Number.POSITIVE_INFINITY : Number(/^(\d+)K$/.exec(argv[2])?.[1] ?? Number.NaN) * 1024;
      fs.set(argv[1] ?? "", size);
    }
    if (argv.some((a) => a.includes("lvreduce"))) {
      const lvBytes = Number(/^(\d+)b$/.exec(argv[argv.indexOf("-L") + 1] ?? "")?.[1] ?? Number.NaN);
      const fsBytes = fs.get(`/dev/${argv.at(-1) ?? ""}`);
      if (argv[0] !== "lvreduce" || fsBytes === undefined || !(fsBytes <= lvBytes)) bad.push(argv.join(" "));
    }
  }
  return bad;
}

describe("lvreduce only after resize2fs", () => {
  it("holds for every plan of every op on every fixture state", () => {
    const plans: StoragePlan[] = [];
    for (const [, storage] of states) {
      for (const op of ops()) {
        for (const reads of readSets) {
          for (const r of storageOpReads(storage, op)) expect(reads[r.id], `${op.op} reads ${r.id}`).toBeDefined();
          try {
            plans.push(buildStoragePlan(storage, op, { roots: ["/srv/images"], usedBy: new Map(), reads }));
          } catch (e) {
            if (!(e instanceof Error && "code" in e && e.code === "BAD_INPUT")) throw e;
          }
        }
      }
    }
    const withReduce = plans.filter((p) => p.steps.some((s) => s.argv[0] === "lvreduce"));
    // The matrix must actually reach shrink plans, mounted and unmounted, or it proves nothing.
    expect(withReduce.length).toBeGreaterThan(20);
    expect(withReduce.some((p) => p.steps[0]?.argv[0] === "umount")).toBe(true);
    expect(withReduce.some((p) => p.steps[0]?.argv[0] === "e2fsck")).toBe(true);
    expect(plans.flatMap((p) => lvreduceViolations(p.steps))).toEqual([]);
  });

  it("the planner's own guard refuses step lists that break the rule", () => {
    const reduce: TPlanStep = { argv: ["lvreduce", "-f", "-L", "104857600b", "vg/lv"], purpose: "x" };
    const fsTo = (size?: string): TPlanStep => ({ argv: ["resize2fs", "/dev/vg/lv", ...(size ? [size] : [])], purpose: "x" });
    expect(() => assertFsShrunkBeforeLvreduce([reduce])).toThrow(/not preceded by a resize2fs/);
    expect(() => assertFsShrunkBeforeLvreduce([fsTo("102401K"), reduce])).toThrow(/not preceded/);
    expect(() => assertFsShrunkBeforeLvreduce([fsTo("102400K"), fsTo(), reduce])).toThrow(/not preceded/);
    expect(() => assertFsShrunkBeforeLvreduce([{ argv: ["resize2fs", "/dev/vg/other", "1024K"], purpose: "x" }, reduce])).toThrow(
      /not preceded/,
    );
    expect(() => assertFsShrunkBeforeLvreduce([reduce, fsTo("1024K")])).toThrow(/not preceded/);
    expect(() => assertFsShrunkBeforeLvreduce([fsTo("102400K"), { ...reduce, argv: ["lvreduce", "-f", "-L", "100M", "vg/lv"] }])).toThrow(
      /not preceded/,
    );
    expect(() => assertFsShrunkBeforeLvreduce([fsTo("102400K"), { ...reduce, argv: ["lvresize", "-L", "104857600b", "vg/lv"] }])).toThrow(
      /outside a plain lvreduce/,
    );
    expect(() => assertFsShrunkBeforeLvreduce([{ argv: ["sh", "-c", "lvreduce -f -L 1m vg/lv"], purpose: "x" }])).toThrow(
      /outside a plain lvreduce/,
    );
    expect(() =>
      assertFsShrunkBeforeLvreduce([
        { argv: ["lvextend", "-L", "2g", "vg/lv"], undo: ["lvreduce", "-f", "-L", "1g", "vg/lv"], purpose: "x" },
      ]),
    ).toThrow(/outside/);
    expect(() => assertFsShrunkBeforeLvreduce([fsTo("102400K"), reduce])).not.toThrow();
    expect(() => assertFsShrunkBeforeLvreduce([fsTo("1024K"), reduce])).not.toThrow();
  });
});
