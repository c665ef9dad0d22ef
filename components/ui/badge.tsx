import type { ReactNode } from "react";
import { cx } from "./cx";

export type Tone = "green" | "red" | "amber" | "blue" | "gray" | "slate" | "violet";

const TONES: Record<Tone, string> = {
  green: "bg-green-50 text-green-800 ring-green-600/30",
  red: "bg-red-50 text-red-800 ring-red-600/30",
  amber: "bg-amber-50 text-amber-900 ring-amber-600/40",
  blue: "bg-blue-50 text-blue-800 ring-blue-600/30",
  gray: "bg-slate-50 text-slate-700 ring-slate-500/30",
  slate: "bg-slate-200 text-slate-700 ring-slate-500/30",
  violet: "bg-violet-50 text-violet-800 ring-violet-600/30",
};

export function Badge({
  tone = "gray",
  children,
  className,
  testId,
  title,
}: {
  tone?: Tone;
  children: ReactNode;
  className?: string;
  testId?: string;
  title?: string;
}) {
  return (
    <span
      title={title}
      data-testid={testId}
      className={cx(
        "inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset",
        TONES[tone],
        className,
      )}
    >
      {children}
    </span>
  );
}
