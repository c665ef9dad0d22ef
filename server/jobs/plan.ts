import { z } from "zod";

// A plan is the only way a change reaches a host: ordered argv steps, each with a purpose
// and, where one exists, the step that undoes it. The UI shows it before it runs.

/**
 * A QMP command sent to a guest's monitor socket through the SSH connection (a streamlocal
 * forward), not a program run on the host. Such a step still carries an `argv`, of the form
 * ["qmp", socket, execute, argumentsJson?], which is what the audit log and the UI show.
 */
export const ZQmpCall = z.object({
  socket: z.string().regex(/^\/[A-Za-z0-9._+\/-]+$/, "an absolute socket path"),
  execute: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, "a QMP command name"),
  arguments: z.record(z.string(), z.unknown()).optional(),
});
export type TQmpCall = z.infer<typeof ZQmpCall>;

export function qmpArgv(call: TQmpCall): string[] {
  return ["qmp", call.socket, call.execute, ...(call.arguments ? [JSON.stringify(call.arguments)] : [])];
}

export const ZPlanStep = z.object({
  argv: z.array(z.string()).min(1),
  qmp: ZQmpCall.optional(),
  purpose: z.string().min(1),
  undo: z.array(z.string()).min(1).optional(),
  timeoutMs: z.number().int().positive().optional(),
  /** Exit statuses that also mean "done", e.g. pkill's 1 when the process is already gone. */
  okExitStatuses: z.array(z.number().int()).optional(),
  /** A failure is noted and the plan goes on (a polite attempt before a forceful step). */
  bestEffort: z.boolean().optional(),
  /**
   * Text given to the command on stdin: the way file content (a rule set, a rollback
   * script) reaches a host without ever being spliced into a command line. Shown in the
   * preview and the script as a here-document, and kept in the audit row.
   */
  stdin: z.string().max(4_000_000).optional(),
});

export const ZPlan = z.object({
  title: z.string().min(1),
  steps: z.array(ZPlanStep).min(1),
});

export type TPlanStep = z.infer<typeof ZPlanStep>;
export type TPlan = z.infer<typeof ZPlan>;
