import { z } from "zod";
import { ZScratchName } from "../names";
import { planCreateScratch, planRemoveScratch } from "../hosts/scratch";
import type { TPlan } from "../jobs/plan";

// Every change a user can ask of a host, as data. Previewing and applying take the same
// value, so the commands shown are exactly the commands run. Later areas (guests,
// network, storage) add their kinds here.

export const ZOperation = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("scratch.create"), name: ZScratchName }),
  z.object({ kind: z.literal("scratch.remove"), name: ZScratchName }),
]);
export type TOperation = z.infer<typeof ZOperation>;

export interface OperationHost {
  name: string;
  runDir: string;
}

export function planForOperation(op: TOperation, host: OperationHost): TPlan {
  switch (op.kind) {
    case "scratch.create":
      return planCreateScratch({ runDir: host.runDir, name: op.name });
    case "scratch.remove":
      return planRemoveScratch({ runDir: host.runDir, name: op.name });
  }
}
