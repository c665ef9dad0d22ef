import type { ReactNode } from "react";

/** The frame of the pages shown before sign-in. */
export function PublicShell({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <div className="flex min-h-screen items-start justify-center px-4 pt-[12vh]">
      <div className="w-full max-w-sm">
        <div className="mb-4 text-center">
          <div className="text-xl font-semibold tracking-tight text-slate-900">Labdeck</div>
          <div className="text-xs text-slate-500">virtualization lab hosts over SSH</div>
        </div>
        <div className="rounded-md border border-slate-200 bg-white p-5 shadow-sm">
          <h1 className="text-base font-semibold">{title}</h1>
          {subtitle && <div className="mt-1 text-sm text-slate-600">{subtitle}</div>}
          <div className="mt-4">{children}</div>
        </div>
      </div>
    </div>
  );
}
