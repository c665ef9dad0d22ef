import { z } from "zod";
import { unsafeCharIn, type TextRules } from "../lib/safe-text";
import { badInput } from "./errors";

// Refusals of unsafe free text: the character rule itself (and why) is lib/safe-text.ts.
// Do not break: refusals name the field and the character; nothing here rewrites a value.

function message(found: string, rules: TextRules): string {
  const what = rules.allowLineFeed ? "text without control characters other than line feeds" : "one line without control characters";
  return `must be ${what}; found ${found}`;
}

/** The builder-side check: refuses with an error naming the field and the character. */
export function assertSafeText(field: string, value: string, rules: TextRules = {}): string {
  const found = unsafeCharIn(value, rules);
  if (found !== null) throw badInput(field, message(found, rules));
  return value;
}

/** Every string inside a JSON-like value (an op, a plan), named by its path under `field`. */
export function assertSafeTextDeep(field: string, value: unknown, rules: TextRules = {}): void {
  if (typeof value === "string") assertSafeText(field, value, rules);
  else if (Array.isArray(value)) value.forEach((v, i) => assertSafeTextDeep(`${field}.${i}`, v, rules));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) assertSafeTextDeep(`${field}.${k}`, v, rules);
  }
}

/** A zod check for the API edge: the issue lands on the field's own path. */
export function safeTextCheck(rules: TextRules = {}) {
  return (value: string, ctx: z.RefinementCtx) => {
    const found = unsafeCharIn(value, rules);
    if (found !== null) ctx.addIssue({ code: "custom", message: message(found, rules) });
  };
}

/** One line of free text, at most `max` characters, no control characters. */
export function zOneLine(max: number) {
  return z.string().max(max).superRefine(safeTextCheck());
}
