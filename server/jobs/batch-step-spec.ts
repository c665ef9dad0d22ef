import type { ExecResult } from "../ssh/types";
import type { StepSpec } from "./step-spec";

// A batch of read-only steps that runs as one command on the host (one SSH round trip) and
// is recorded as its parts: each part gets its step events, its output and its own audit row
// with its exit status, as if it had run alone. What must not break: split() returns one
// result per part, and a part whose result could not be read from the host is never
// "exited" (the probe's splitter, hosts/probe/batch.ts, guarantees both).

export interface BatchStepSpec {
  /** The one command that runs (e.g. the probe's batch script with the parts as arguments). */
  argv: string[];
  /** For the whole round trip: the parts run one after another. */
  timeoutMs: number;
  parts: StepSpec[];
  split(result: ExecResult): ExecResult[];
}
