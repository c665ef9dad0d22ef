import type { TQmpCall } from "./plan";

// One step of a job as its handler asks for it (job-runner.ts runs it). Its own file so the
// batch modules the runner imports can name it without importing the runner back.

export interface StepSpec {
  /** For a QMP step, the display form ["qmp", socket, execute, …] (see plan.ts). */
  argv: string[];
  qmp?: TQmpCall | undefined;
  purpose: string;
  stdin?: string | undefined;
  timeoutMs?: number | undefined;
  undo?: boolean;
  /** Undo steps run to completion even when the job was cancelled. */
  ignoreCancel?: boolean;
  /** A read that may find nothing (a probe's optional file): a non-zero exit is audited as "absent". */
  optional?: boolean | undefined;
}
