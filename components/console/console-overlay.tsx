import type { ConsoleStatus } from "./console-connection";

const TEXT: Partial<Record<ConsoleStatus["phase"], { title: string; body: string }>> = {
  connecting: { title: "Connecting…", body: "Opening the guest's serial line through its host." },
  "guest-not-running": { title: "The guest is not running", body: "Start it; the console connects by itself once QEMU is up." },
  "host-unreachable": { title: "The host cannot be reached", body: "Labdeck keeps trying; the output below is what was seen last." },
  reconnecting: { title: "Connection lost", body: "Reconnecting with a fresh ticket…" },
  refused: { title: "The console was refused", body: "Reload the page; you may have been signed out or the guest was deleted." },
};

/** A banner over the terminal for every state but live, so a stale screen is never taken for a live one. */
export function ConsoleOverlay({ status }: { status: ConsoleStatus }) {
  const t = TEXT[status.phase];
  if (!t) return null;
  return (
    <div className="pointer-events-none absolute inset-x-0 top-0 flex justify-center p-3" data-testid="console-overlay">
      <div className="theme-fixed max-w-md rounded border border-slate-600 bg-slate-800/95 px-3 py-2 text-center text-slate-100 shadow-lg">
        <div className="font-semibold">{t.title}</div>
        <div className="text-xs text-slate-300">{t.body}</div>
        {status.detail && (
          <div className="mt-1 font-mono text-[11px] break-all text-slate-400" data-testid="console-detail">
            {status.detail}
          </div>
        )}
      </div>
    </div>
  );
}
