import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { LabdeckError } from "../../errors";
import type { TStorageOp } from "../ops";
import { capturedStorage, type StorageCapture } from "../fixtures/captured-storage";
import type { THostStorage, TStorageLv } from "../storage-model";
import { buildStoragePlan } from "./build-storage-plan";
import type { StoragePlan, StoragePlanContext } from "./types";

// Test helpers for the planner's unit tests: host storage built from the captured lab VM
// fixtures exactly as storage-model.test.ts builds it, the planner's own read fixtures,
// and small, named edits of a captured model for states the capture does not show.

const READ_FIXTURES = path.join(import.meta.dirname, "fixtures");

export function labStorage(capture: StorageCapture): THostStorage {
  return capturedStorage(capture);
}

/** Every `<id>.out` of a read fixture directory, by id. */
export function fixtureReads(dir: string): Record<string, string> {
  const full = path.join(READ_FIXTURES, dir);
  return Object.fromEntries(
    readdirSync(full)
      .filter((f) => f.endsWith(".out"))
      .map((f) => [f.slice(0, -".out".length), readFileSync(path.join(full, f), "utf8")]),
  );
}

export function qemuInfo(file: string): string {
  return readFileSync(path.join(READ_FIXTURES, "qemu-img", `${file}.json`), "utf8");
}

export function ctxWith(over: Partial<StoragePlanContext> = {}): StoragePlanContext {
  return { roots: ["/srv/images"], usedBy: new Map(), reads: {}, ...over };
}

export function plan(storage: THostStorage, op: TStorageOp, over: Partial<StoragePlanContext> = {}): StoragePlan {
  return buildStoragePlan(storage, op, ctxWith(over));
}

/** The refusal of an op: asserts it is a BAD_INPUT and returns its field and message. */
export function refusal(
  storage: THostStorage,
  op: TStorageOp,
  over: Partial<StoragePlanContext> = {},
): { field: string | undefined; message: string } {
  try {
    plan(storage, op, over);
  } catch (e) {
    expect(e).toBeInstanceOf(LabdeckError);
    const err = e as LabdeckError;
    expect(err.code).toBe("BAD_INPUT");
    return { field: err.field, message: err.message };
  }
  throw new Error(`${op.op} was planned, not refused`);
}

export const argvs = (p: StoragePlan) => p.steps.map((s) => s.argv);

export function lvOf(storage: THostStorage, name: string): TStorageLv {
  const lv = storage.lvs.find((l) => l.name === name);
  if (lv === undefined) throw new Error(`no LV ${name} in the fixture`);
  return lv;
}

/** The model after `umount` of every mount of the LV: nothing holds it open any more. */
export function unmounted(storage: THostStorage, name: string): THostStorage {
  const s = structuredClone(storage);
  const lv = lvOf(s, name);
  s.mounts = s.mounts.filter((m) => m.device !== lv.dmPath);
  lv.mountpoints = [];
  lv.attr.open = false;
  return s;
}

/**
 * The model with some LVs gone (as after lvremove), with their mounts; an origin left
 * without snapshots reads as linear again. The VG's free space is left as captured.
 */
export function withoutLvs(storage: THostStorage, names: readonly string[]): THostStorage {
  const s = structuredClone(storage);
  const gone = s.lvs.filter((l) => names.includes(l.name));
  s.lvs = s.lvs.filter((l) => !names.includes(l.name));
  s.mounts = s.mounts.filter((m) => !gone.some((l) => l.dmPath === m.device));
  for (const lv of s.lvs) {
    if (lv.attr.kind === "origin" && !s.lvs.some((o) => o.origin === lv.name && o.attr.kind === "snapshot")) lv.attr.kind = "linear";
  }
  for (const lv of s.lvs)
    lv.mountpoints = s.mounts
      .filter((m) => m.device === lv.dmPath)
      .map((m) => m.target)
      .sort();
  return s;
}

/** The model after `umount TARGET` of one mount. */
export function withoutMount(storage: THostStorage, target: string): THostStorage {
  const s = structuredClone(storage);
  s.mounts = s.mounts.filter((m) => m.target !== target);
  for (const lv of s.lvs) lv.mountpoints = lv.mountpoints.filter((t) => t !== target);
  return s;
}
