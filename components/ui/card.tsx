import type { ReactNode } from "react";
import { cx } from "./cx";

export function Card({
  title,
  actions,
  description,
  className,
  bodyClassName,
  children,
  testId,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  description?: ReactNode;
  className?: string;
  bodyClassName?: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section className={cx("rounded-md border border-slate-200 bg-white shadow-xs", className)} data-testid={testId}>
      {(title || actions) && (
        <header className="flex min-h-10 items-center justify-between gap-3 border-b border-slate-200 px-4 py-2">
          <div className="min-w-0">
            {title && <h2 className="text-sm font-semibold text-slate-800">{title}</h2>}
            {description && <p className="text-xs text-slate-500">{description}</p>}
          </div>
          {actions && <div className="flex shrink-0 items-center gap-2">{actions}</div>}
        </header>
      )}
      <div className={bodyClassName ?? "p-4"}>{children}</div>
    </section>
  );
}
