// A measuring hook for bench/console.ts: a page whose own script defined
// `window.__labdeckConsoleProbe` is handed each console terminal once it is open, so the
// benchmark can timestamp "in the buffer" (onWriteParsed) and "rendered" (onRender) without
// the server's cooperation. Nothing is exposed unless the page itself asked for it: only a
// script already running in the page can define the hook, and it could read the DOM anyway.
import type { Terminal } from "@xterm/xterm";

type ProbeHook = (term: Terminal) => void;

export function announceTerminal(term: Terminal): void {
  const hook = (globalThis as { __labdeckConsoleProbe?: unknown }).__labdeckConsoleProbe;
  if (typeof hook === "function") (hook as ProbeHook)(term);
}
