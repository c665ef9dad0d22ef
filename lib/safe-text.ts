// Which characters free text may hold, shared by the browser (a form says what is wrong
// while the user types) and the server (server/safe-text.ts adds the refusals: zod checks
// at the API edge and the builders' asserts).
// Free text that lands on a host (an iptables comment or LOG prefix, a line of a
// persistence file, a plan step's purpose, a kernel command line) or in the "show
// commands" script must be one visible line. A CR is not a line break to sh or
// iptables-restore but is one to a terminal and to many editors: `ok\r-A INPUT -j DROP`
// reads as a different rule than the one that runs. So every control character is
// refused, not only NUL and LF: C0 (TAB, LF, VT, FF, CR, ESC...), DEL, C1 (NEL U+0085
// among them), the Unicode line and paragraph separators U+2028/U+2029, and the bidi
// embedding/override/isolate controls (U+202A-U+202E, U+2066-U+2069), which reorder what
// a reader sees of a line without changing what runs ("Trojan Source", CVE-2021-42574).
// The pattern is one character class: linear in the input, whatever it holds.
//
// Do not break: a finding names the character; nothing here rewrites a value (escapeUnsafe
// is for display only).

// Global, for finding every character; written out rather than built at run time, so the
// pattern-safety test sees it.
const UNSAFE_GLOBAL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMES: Record<number, string> = {
  0x00: "NUL",
  0x09: "TAB",
  0x0a: "line feed (LF)",
  0x0b: "vertical tab (VT)",
  0x0c: "form feed (FF)",
  0x0d: "carriage return (CR)",
  0x1b: "escape (ESC)",
  0x7f: "DEL",
  0x85: "next line (NEL)",
  0x2028: "line separator",
  0x2029: "paragraph separator",
};

function codeName(code: number): string {
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  const name = NAMES[code];
  return name ? `${hex} ${name}` : hex;
}

export interface TextRules {
  /** Multi-line content (a file): LF separates lines and is allowed. */
  allowLineFeed?: boolean;
  /** TAB where it is an ordinary separator (rt_tables, iptables-save's own output). */
  allowTab?: boolean;
}

/** The first character `rules` do not allow, described for a message; null when the text is clean. */
export function unsafeCharIn(value: string, rules: TextRules = {}): string | null {
  UNSAFE_GLOBAL.lastIndex = 0;
  for (let m = UNSAFE_GLOBAL.exec(value); m !== null; m = UNSAFE_GLOBAL.exec(value)) {
    const code = m[0].charCodeAt(0);
    if (code === 0x0a && rules.allowLineFeed) continue;
    if (code === 0x09 && rules.allowTab) continue;
    return `${codeName(code)} at position ${m.index + 1}`;
  }
  return null;
}

export function hasUnsafeChar(value: string, rules: TextRules = {}): boolean {
  return unsafeCharIn(value, rules) !== null;
}

/** For display only (a comment line in a generated file or script): every unsafe character as a visible \u escape. */
export function escapeUnsafe(value: string): string {
  return value.replace(UNSAFE_GLOBAL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
