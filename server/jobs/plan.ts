import { z } from "zod";
import type { TextRules } from "../../lib/safe-text";
import { assertSafeText, safeTextCheck } from "../safe-text";

// A plan is the only way a change reaches a host: ordered argv steps, each with a purpose
// and, where one exists, the step that undoes it. The UI shows it before it runs.
// Purposes and titles are one line without control characters; argv, undo and stdin may
// hold line feeds and tabs (a `sh -c` script, a file's content) but no other control
// character, so what the preview and the script show is what runs (server/safe-text.ts).

/** What argv elements and stdin may hold besides ordinary text. */
export const PLAN_CONTENT: TextRules = { allowLineFeed: true, allowTab: true };
const ZContent = z.string().superRefine(safeTextCheck(PLAN_CONTENT));
const ZLine = z.string().min(1).superRefine(safeTextCheck());

/**
 * A QMP command sent to a guest's monitor socket through the SSH connection (a streamlocal
 * forward), not a program run on the host. Such a step still carries an `argv`, of the form
 * ["qmp", socket, execute, argumentsJson?], which is what the audit log and the UI show.
 */
export const ZQmpCall = z.object({
  socket: z.string().regex(/^\/[A-Za-z0-9._+/-]+$/, "an absolute socket path"),
  execute: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, "a QMP command name"),
  arguments: z.record(z.string(), z.unknown()).optional(),
});
export type TQmpCall = z.infer<typeof ZQmpCall>;

export function qmpArgv(call: TQmpCall): string[] {
  return ["qmp", call.socket, call.execute, ...(call.arguments ? [JSON.stringify(call.arguments)] : [])];
}

export const ZPlanStep = z.object({
  argv: z.array(ZContent).min(1),
  qmp: ZQmpCall.optional(),
  purpose: ZLine,
  undo: z.array(ZContent).min(1).optional(),
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
  stdin: ZContent.max(4_000_000).optional(),
  /**
   * A short fixed command that may share one SSH exec with the batch steps next to it
   * (server/jobs/step-batch.ts); it is still shown, run, audited and undone as its own
   * step. Only for a step without stdin, QMP, other ok statuses or best effort.
   */
  batch: z.boolean().optional(),
});

export const ZPlan = z.object({
  title: ZLine,
  steps: z.array(ZPlanStep).min(1),
});

export type TPlanStep = z.infer<typeof ZPlanStep>;
export type TPlan = z.infer<typeof ZPlan>;

/**
 * The same text checks as ZPlan, for a plan built in code (no parse on the way): called
 * before a plan is shown or stored, so a control character from anywhere is refused
 * before the user sees a script that differs from what would run.
 */
export function assertPlanText(plan: TPlan): void {
  assertSafeText("plan.title", plan.title);
  plan.steps.forEach((step, i) => {
    const at = `plan.steps.${i}`;
    assertSafeText(`${at}.purpose`, step.purpose);
    step.argv.forEach((a, j) => assertSafeText(`${at}.argv.${j}`, a, PLAN_CONTENT));
    step.undo?.forEach((a, j) => assertSafeText(`${at}.undo.${j}`, a, PLAN_CONTENT));
    if (step.stdin !== undefined) assertSafeText(`${at}.stdin`, step.stdin, PLAN_CONTENT);
  });
}
