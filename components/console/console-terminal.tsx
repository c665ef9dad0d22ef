"use client";

import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useTRPCClient } from "../trpc-provider";
import { errorStatus } from "../trpc-errors";
import { copyText } from "../ui/code-block";
import { cx } from "../ui/cx";
import { openConsole, type ConsoleStatus } from "./console-connection";
import { bootMarkLine, gapLine } from "./console-marks";
import { ConsoleOverlay } from "./console-overlay";
import { announceTerminal } from "./console-probe";
import { ConsoleStatusBadge } from "./console-status-badge";

// xterm.js runs only in the browser: load this module with next/dynamic and ssr: false.

const THEME = { background: "#0f172a", foreground: "#e2e8f0", cursor: "#e2e8f0", selectionBackground: "#334155" };

/** `height` sizes the terminal; "fill" makes it take what its parent leaves below the toolbar. */
export function ConsoleTerminal({ guestId, height = "h-[28rem]", toolbar }: { guestId: string; height?: string; toolbar?: ReactNode }) {
  const fill = height === "fill";
  const client = useTRPCClient();
  const box = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<ConsoleStatus>({ phase: "connecting", readOnly: false });
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const term = new Terminal({ convertEol: false, cursorBlink: true, scrollback: 10_000, fontSize: 13, theme: THEME });
    const fit = new FitAddon();
    term.loadAddon(fit);
    // OSC 52 lets a program write to the user's clipboard: a guest must not be able to.
    const osc52 = term.parser.registerOscHandler(52, () => true);
    term.attachCustomKeyEventHandler((ev) => {
      if (ev.type === "keydown" && ev.ctrlKey && ev.shiftKey && ev.code === "KeyC") {
        if (term.hasSelection()) void copyText(term.getSelection());
        return false;
      }
      // Ctrl+Shift+V: let the browser's paste event reach xterm instead of sending ^V.
      return !(ev.ctrlKey && ev.shiftKey && ev.code === "KeyV");
    });
    term.open(el);
    fit.fit();
    announceTerminal(term);
    const ro = new ResizeObserver(() => {
      if (el.clientWidth > 0 && el.clientHeight > 0) fit.fit();
    });
    ro.observe(el);

    const conn = openConsole({
      getTicket: () => client.guests.consoleTicket.mutate({ id: guestId }),
      isFatal: (err) => {
        const s = errorStatus(err);
        return s !== null && s >= 400 && s < 500 && s !== 408 && s !== 429;
      },
      onStatus: (s) => {
        setStatus(s);
        term.options.disableStdin = s.readOnly;
      },
      onBytes: (data) => term.write(data),
      onBoot: (boot) => term.write(bootMarkLine(boot)),
      onGap: (bytes) => term.write(gapLine(bytes)),
      onServerError: (message) => setNotice(message),
    });
    // Tests read what the terminal holds (scrollback included) once xterm has parsed every write.
    const hook = el as HTMLElement & { labdeckConsoleText?: () => Promise<string> };
    hook.labdeckConsoleText = () =>
      new Promise((resolve) =>
        term.write("", () => {
          const b = term.buffer.active;
          const lines: string[] = [];
          for (let i = 0; i < b.length; i++) {
            const line = b.getLine(i);
            const text = line?.translateToString(true) ?? "";
            if (line?.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
            else lines.push(text);
          }
          resolve(lines.join("\n"));
        }),
      );
    const input = term.onData((d) => conn.send(d));
    const binary = term.onBinary((d) => conn.send(d));
    return () => {
      delete hook.labdeckConsoleText;
      conn.close();
      input.dispose();
      binary.dispose();
      osc52.dispose();
      ro.disconnect();
      term.dispose();
    };
  }, [client, guestId]);

  return (
    <div
      className={cx("flex flex-col", fill && "h-full min-h-0")}
      data-testid="console"
      data-phase={status.phase}
      data-read-only={status.readOnly || undefined}
    >
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-white px-3 py-1.5 text-xs text-slate-600">
        <ConsoleStatusBadge status={status} />
        {notice && (
          <span className="text-amber-800" data-testid="console-notice">
            {notice}
          </span>
        )}
        <span className="ml-auto hidden text-slate-400 md:inline">Copy: select, Ctrl+Shift+C · Paste: Ctrl+Shift+V</span>
        {toolbar}
      </div>
      <div className={cx("theme-fixed relative bg-slate-900", fill ? "min-h-0 flex-1" : height)}>
        <div ref={box} className="absolute inset-0 p-1" data-testid="console-terminal" />
        <ConsoleOverlay status={status} />
      </div>
    </div>
  );
}
