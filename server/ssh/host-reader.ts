import type { ExecResult } from "./types";

// The one shape of "run a read on a host" that subject modules (hosts/, network/, storage/,
// hypervisors/) are handed. They describe the read; the caller decides how it runs (an
// audited read outside a job, a job's own step, a recorded replay in a test) and audits
// it. A reader never builds a command line: argv goes to the SSH layer as it is.

export interface HostReadStep {
  argv: string[];
  /** One line saying why, as the audit log and the job transcript show it. */
  purpose: string;
  /**
   * The host may lack this file or tool: a non-zero exit is an answer ("absent"), not a
   * failure. A function decides from the result (a missing root, not any failure).
   */
  optional?: boolean | ((r: ExecResult) => boolean) | undefined;
  timeoutMs?: number | undefined;
}

/** Runs one read step on one host. `S` lets a module hand its own step type (with its id). */
export type HostReader<S extends HostReadStep = HostReadStep, R = ExecResult> = (step: S) => Promise<R>;
