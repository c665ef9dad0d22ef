import { badInput } from "../../errors";
import { ZStorageOp, type TStorageOp } from "../ops";
import type { THostStorage } from "../storage-model";
import { assertFsShrunkBeforeLvreduce } from "./checks";
import { imageReads, planImageConvert, planImageCreate, planImageResize, planRootfileCreate } from "./images";
import { lvReads, planLvCreate, planLvGrow, planLvRemove } from "./lv";
import { planPvCreate, planPvRemove, planVgCreate, planVgExtend, planVgRemove, pvVgReads } from "./pv-vg";
import { planLvShrink, shrinkReads } from "./shrink";
import { planSnapshotCreate, planSnapshotMerge } from "./snapshot";
import type { StorageOpRead, StoragePlan, StoragePlanContext } from "./types";

export type { StorageOpRead, StoragePlan, StoragePlanContext } from "./types";

// One storage op -> one plan, against the host's storage as last read. Every refusal
// happens here, before any step exists, and names the op's field (`op.size`). Planning
// is two calls: storageOpReads() says which read-only commands the op needs answered
// (does the path exist, how full is the filesystem); the service runs them and passes
// their stdout to buildStoragePlan() in ctx.reads.

/** Checked again here, not only at the API edge: this is the last stop before argv. */
function checkedOp(op: TStorageOp): TStorageOp {
  const parsed = ZStorageOp.safeParse(op);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw badInput(["op", ...(issue?.path ?? [])].map(String).join("."), issue?.message ?? "invalid op");
}

/** Extra read-only commands an op needs before it can be planned; ids are the keys of ctx.reads. */
export function storageOpReads(storage: THostStorage, op: TStorageOp): StorageOpRead[] {
  const o = checkedOp(op);
  switch (o.op) {
    case "pv.create":
    case "pv.remove":
    case "vg.create":
    case "vg.extend":
    case "vg.remove":
      return pvVgReads(storage, o);
    case "lv.create":
    case "lv.grow":
    case "lv.remove":
      return lvReads(storage, o);
    case "lv.shrink":
      return shrinkReads(storage, o);
    case "snapshot.create":
    case "snapshot.merge":
      return [];
    default:
      return imageReads(o);
  }
}

function planOp(storage: THostStorage, op: TStorageOp, ctx: StoragePlanContext): StoragePlan {
  switch (op.op) {
    case "pv.create":
      return planPvCreate(storage, op, ctx);
    case "pv.remove":
      return planPvRemove(storage, op, ctx);
    case "vg.create":
      return planVgCreate(storage, op, ctx);
    case "vg.extend":
      return planVgExtend(storage, op, ctx);
    case "vg.remove":
      return planVgRemove(storage, op);
    case "lv.create":
      return planLvCreate(storage, op, ctx);
    case "lv.grow":
      return planLvGrow(storage, op, ctx);
    case "lv.shrink":
      return planLvShrink(storage, op, ctx);
    case "lv.remove":
      return planLvRemove(storage, op, ctx);
    case "snapshot.create":
      return planSnapshotCreate(storage, op);
    case "snapshot.merge":
      return planSnapshotMerge(storage, op, ctx);
    case "image.create":
      return planImageCreate(op, ctx);
    case "image.resize":
      return planImageResize(op, ctx);
    case "image.convert":
      return planImageConvert(op, ctx);
    case "rootfile.create":
      return planRootfileCreate(op, ctx);
  }
}

export function buildStoragePlan(storage: THostStorage, op: TStorageOp, ctx: StoragePlanContext): StoragePlan {
  const plan = planOp(storage, checkedOp(op), ctx);
  assertFsShrunkBeforeLvreduce(plan.steps);
  return plan;
}
