import type { ReactNode } from "react";
import { cx } from "./cx";
import { Spinner } from "./spinner";

export function Loading({ label = "Loading…", className }: { label?: string; className?: string }) {
  return (
    <div className={cx("flex items-center gap-2 py-3 text-slate-500", className)} role="status">
      <Spinner /> {label}
    </div>
  );
}

export function Empty({ children, action, className }: { children: ReactNode; action?: ReactNode; className?: string }) {
  return (
    <div
      className={cx("flex flex-col items-start gap-2 rounded border border-dashed border-slate-300 px-4 py-5 text-slate-600", className)}
    >
      <div>{children}</div>
      {action}
    </div>
  );
}

type NoticeTone = "error" | "warning" | "info" | "success";

const NOTICE: Record<NoticeTone, string> = {
  error: "border-red-300 bg-red-50 text-red-900",
  warning: "border-amber-300 bg-amber-50 text-amber-950",
  info: "border-blue-200 bg-blue-50 text-blue-950",
  success: "border-green-300 bg-green-50 text-green-900",
};

export function Notice({
  tone = "info",
  title,
  children,
  action,
  className,
  testId,
}: {
  tone?: NoticeTone;
  title?: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <div
      role={tone === "error" ? "alert" : undefined}
      data-testid={testId}
      className={cx("flex items-start justify-between gap-3 rounded border px-3 py-2 text-sm", NOTICE[tone], className)}
    >
      <div className="min-w-0 break-words">
        {title && <div className="font-semibold">{title}</div>}
        {children}
      </div>
      {action && <div className="shrink-0">{action}</div>}
    </div>
  );
}
