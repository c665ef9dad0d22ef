// Hostile values for the free-text checks: one per kind of character that must never
// reach a host line, a script or a file unless the field allows it. Shared by the tests
// of every field that takes free text.

export const HOSTILE: readonly (readonly [string, string])[] = [
  ["NUL", "a\u0000b"],
  ["TAB", "a\tb"],
  ["LF", "ok\n-A INPUT -j DROP"],
  ["CR", "ok\r-A INPUT -j DROP"],
  ["CRLF", "ok\r\n-A INPUT -j DROP"],
  ["VT", "a\u000bb"],
  ["FF", "a\u000cb"],
  ["ESC (terminal sequence)", "a\u001b[2Jb"],
  ["unit separator U+001F", "a\u001fb"],
  ["DEL", "a\u007fb"],
  ["C1 U+0080", "a\u0080b"],
  ["NEL U+0085", "a\u0085b"],
  ["C1 CSI U+009B", "a\u009b2Jb"],
  ["C1 U+009F", "a\u009fb"],
  ["line separator U+2028", "a\u2028b"],
  ["paragraph separator U+2029", "a\u2029b"],
  ["bidi override U+202E", "a\u202eb"],
  ["bidi isolate U+2066", "a\u2066b"],
  ["trailing CR", "comment\r"],
  ["only a CR", "\r"],
];

/** Text that must pass: printable ASCII, Latin-1 letters, CJK, emoji. */
export const HARMLESS: readonly string[] = ["web server", "é ß ñ ü", "ラボ", "lab 🧪", "a-b_c.d:e/f=g+h"];
