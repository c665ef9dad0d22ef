import { z } from "zod";

// A plan is the only way a change reaches a host: ordered argv steps, each with a purpose
// and, where one exists, the step that undoes it. The UI shows it before it runs.

export const ZPlanStep = z.object({
  argv: z.array(z.string()).min(1),
  purpose: z.string().min(1),
  undo: z.array(z.string()).min(1).optional(),
  timeoutMs: z.number().int().positive().optional(),
});

export const ZPlan = z.object({
  title: z.string().min(1),
  steps: z.array(ZPlanStep).min(1),
});

export type TPlanStep = z.infer<typeof ZPlanStep>;
export type TPlan = z.infer<typeof ZPlan>;
