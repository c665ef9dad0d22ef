import { badInput } from "../../errors";
import type { TPlanStep } from "../../jobs/plan";
import type { TStorageOp } from "../ops";
import { formatBytes } from "../size";
import type { THostStorage } from "../storage-model";
import {
  extentsText,
  findLv,
  guestsUsing,
  lvDevice,
  lvExists,
  lvHolders,
  mountArgv,
  positiveSize,
  refuseIfHeld,
  requireLvm,
  roundToExtents,
  singleMount,
  writableVg,
} from "./checks";
import type { StoragePlan, StoragePlanContext } from "./types";

// COW snapshots of a volume, and merging one back (the origin returns to the snapshot's
// content). Dropping a snapshot is lv.remove. A merge cannot start while the origin is
// open: LVM then defers it to the origin's next activation, so the plan unmounts the
// origin, asks for the merge, cycles the activation, and waits until the snapshot is gone
// before mounting the origin again.

type Op<K extends TStorageOp["op"]> = Extract<TStorageOp, { op: K }>;

// $1 VG, $2 snapshot, $3 seconds: LVM removes the snapshot when the merge is complete.
const WAIT_MERGED =
  'i=0; while lvs "$1/$2" >/dev/null 2>&1; do i=$((i+1)); if [ "$i" -ge "$3" ]; then echo "the merge of $1/$2 has not finished after $3 s" >&2; exit 1; fi; sleep 1; done';
const MERGE_WAIT_S = 1200;

export function planSnapshotCreate(storage: THostStorage, op: Op<"snapshot.create">): StoragePlan {
  requireLvm(storage);
  const vg = writableVg(storage, op.vg, "op.vg");
  const origin = findLv(storage, op.vg, op.origin, "op.origin");
  if (origin.attr.kind === "thin")
    throw badInput("op.origin", `${op.vg}/${op.origin} is a thin volume: its snapshots are thin too and take no size`);
  if (origin.attr.kind !== "linear" && origin.attr.kind !== "origin")
    throw badInput("op.origin", `${op.vg}/${op.origin} is a ${origin.attr.kind} volume; only linear volumes get snapshots here`);
  if (lvExists(storage, op.vg, op.name)) throw badInput("op.name", `${op.vg}/${op.name} already exists`);
  const r = roundToExtents(vg, positiveSize(op.size, "op.size"));
  if (r.extents > vg.freeExtents) {
    throw badInput(
      "op.size",
      `${formatBytes(r.bytes)} (${extentsText(vg, r.extents)}) is more than the ${formatBytes(vg.freeBytes)} free in ${vg.name}`,
    );
  }
  const name = `${op.vg}/${op.name}`;
  return {
    title: `Snapshot ${op.vg}/${op.origin} as ${op.name}`,
    steps: [
      {
        argv: ["lvcreate", "-s", "-L", `${r.bytes}b`, "-n", op.name, `${op.vg}/${op.origin}`],
        purpose: `take a snapshot ${name} of ${op.vg}/${op.origin} with ${formatBytes(r.bytes)} of copy-on-write space`,
        undo: ["lvremove", "-y", name],
      },
    ],
    summary: `${name} keeps ${op.vg}/${op.origin} as it is now.`,
    warnings:
      r.bytes < origin.sizeBytes
        ? [`Once more than ${formatBytes(r.bytes)} of ${op.vg}/${op.origin} has changed, the snapshot overflows and becomes useless.`]
        : [],
  };
}

export function planSnapshotMerge(storage: THostStorage, op: Op<"snapshot.merge">, ctx: StoragePlanContext): StoragePlan {
  requireLvm(storage);
  writableVg(storage, op.vg, "op.vg");
  const name = `${op.vg}/${op.name}`;
  const snap = findLv(storage, op.vg, op.name, "op.name");
  if (snap.attr.kind !== "snapshot" || snap.origin === null) throw badInput("op.name", `${name} is not a snapshot`);
  if (snap.attr.merging) throw badInput("op.name", `${name} is already being merged`);
  if (snap.attr.state === "invalid-snapshot")
    throw badInput("op.name", `${name} overflowed its copy-on-write space and is invalid: drop it, there is nothing to merge`);
  if (snap.attr.state === "merge-failed")
    throw badInput("op.name", `an earlier merge of ${name} failed; look at the host before trying again`);
  refuseIfHeld("op.name", name, lvHolders(snap, ctx.usedBy), "release it first");
  const origin = findLv(storage, op.vg, snap.origin, "op.name");
  const originName = `${op.vg}/${origin.name}`;
  const guests = guestsUsing(ctx.usedBy, [origin.path, origin.dmPath, lvDevice(origin)]);
  if (guests.length > 0)
    throw badInput("op.name", `its origin ${originName} is used by ${guests.join(", ")}: the content would change under the guest`);
  const mount = singleMount(storage, origin, "op.name", `its origin ${originName}`);
  const device = lvDevice(origin);
  const steps: TPlanStep[] = [];
  if (mount !== null)
    steps.push({
      argv: ["umount", mount.target],
      purpose: `unmount ${mount.target} so the merge can start`,
      undo: mountArgv(device, mount),
    });
  steps.push({
    // lvconvert waits in the foreground for a merge it could start, checking every
    // polling_interval (15 s by default); -i 1 checks every second instead.
    argv: ["lvconvert", "--merge", "-i", "1", name],
    purpose: `merge ${name} back into ${originName} (no undo: the origin takes the snapshot's content)`,
    timeoutMs: (MERGE_WAIT_S + 60) * 1000,
  });
  if (mount !== null) {
    // Anything that still held the origin at lvconvert time deferred the merge to the next activation.
    steps.push(
      { argv: ["lvchange", "-an", originName], purpose: `deactivate ${originName} so a deferred merge starts` },
      { argv: ["lvchange", "-ay", originName], purpose: `activate ${originName} again` },
    );
  } else if (!origin.attr.active) {
    steps.push({ argv: ["lvchange", "-ay", originName], purpose: `activate ${originName}: the merge starts on activation` });
  }
  steps.push({
    argv: ["sh", "-c", WAIT_MERGED, "sh", op.vg, op.name, String(MERGE_WAIT_S)],
    purpose: `wait until the merge is complete (${name} disappears), at most ${MERGE_WAIT_S / 60} min`,
    timeoutMs: (MERGE_WAIT_S + 60) * 1000,
  });
  if (mount !== null) steps.push({ argv: mountArgv(device, mount), purpose: `mount ${device} on ${mount.target} again` });
  return {
    title: `Merge snapshot ${name} into ${originName}`,
    steps,
    summary: `${originName} returns to the content of ${name}, which then goes away${mount !== null ? `; ${mount.target} is unmounted meanwhile` : ""}.`,
    warnings: [`Everything written to ${originName} since the snapshot was taken is lost; the merge has no undo.`],
  };
}
