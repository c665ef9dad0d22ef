import type { TPlanStep } from "../../jobs/plan";
import type { HostReadStep } from "../../ssh/host-reader";

// The shapes shared by the storage planners. A read is a read-only command the planner
// needs answered before it can decide (does this path exist, how full is this
// filesystem); the service runs them and hands their stdout back by id.

export interface StoragePlanContext {
  /** Absolute paths image files must lie under (names.assertUnderRoots). */
  roots: string[];
  /** Guests in the inventory using a device or file path (e.g. "/dev/vg0/data" -> ["web1"]): removal and shrink are refused while used. */
  usedBy: ReadonlyMap<string, string[]>;
  /** stdout of the reads `storageOpReads()` asked for, by id. */
  reads: Record<string, string>;
}

/**
 * A read-only command. Every read is written to exit 0 in the ordinary cases (a path that
 * does not exist prints "absent" rather than failing), so a read that fails means the
 * host could not answer and the op cannot be planned.
 */
export interface StorageOpRead extends HostReadStep {
  id: string;
}

export interface StoragePlan {
  title: string;
  steps: TPlanStep[];
  /** One or two sentences for the confirmation dialog. */
  summary: string;
  /** What the user should know before applying: steps without undo, things left as they were. */
  warnings: string[];
}
