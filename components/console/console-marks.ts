// The lines the browser itself writes into a console terminal: a boot mark and a gap notice.
// They come from control messages (never from the guest's bytes), dim, on a line of their own.
// What must not break: nothing from a message reaches xterm except printable text (a user
// name with an escape sequence would act on the terminal).
import type { ConsoleBoot } from "./console-connection";

/** Tests find boot marks in the terminal buffer by this. */
export const BOOT_MARK_PREFIX = "── boot ";
const DIM = "\x1b[0m\x1b[2m";
const RESET = "\x1b[0m";

function printable(s: string, max: number): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) continue;
    out += ch;
    if (out.length >= max) break;
  }
  return out;
}

function clock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "?";
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Starts on a fresh line (CR LF first), so it never lands in the middle of guest output. */
export function bootMarkLine(b: ConsoleBoot): string {
  const when = b.earlier ? "began before this scrollback" : `by ${printable(b.by, 64)}`;
  return `\r\n${DIM}${BOOT_MARK_PREFIX}${clock(b.at)} ${when} ──${RESET}\r\n`;
}

export function gapLine(bytes: number | null): string {
  const what = bytes === null ? "some output (the log was replaced)" : `${bytes} bytes of output`;
  return `\r\n${DIM}── ${what} not shown: reconnected too late; see History ──${RESET}\r\n`;
}
