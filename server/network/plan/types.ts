import type { TPlanStep } from "../../jobs/plan";

// What each op handler gives back to build-plan.ts. Handlers mutate the working model
// themselves (through project.ts) so the next op sees this one's effect; the steps they
// return are only those still needed, which is what makes a second planning of the same
// ops come out empty.

export interface OpResult {
  status: "change" | "in-place";
  summary: string;
  steps: TPlanStep[];
}

/** An op's verdict as the preview shows it (build-plan.ts says when "covered" applies). */
export type TPlanOpStatus =
  | { index: number; status: "change" | "in-place"; summary: string }
  | { index: number; status: "covered"; by: number | null; summary: string };

/** Where an op sits in the list, so a refusal names its field: `ops.3.cidr`. */
export interface OpAt {
  index: number;
  field(name: string): string;
}

export function opAt(index: number): OpAt {
  return { index, field: (name) => `ops.${index}.${name}` };
}

export function inPlace(summary: string): OpResult {
  return { status: "in-place", summary, steps: [] };
}

export function change(summary: string, steps: TPlanStep[]): OpResult {
  return { status: steps.length > 0 ? "change" : "in-place", summary, steps };
}
