// Reads an existing domU config (xl.cfg, or the Python-like file of the old xm toolstack)
// for import: assignments of quoted strings, integers and flat lists of those, `#` comments.
// Never evaluated: a scanner walks the text once, character by character, and anything
// else (a def, an import, an expression, a bare name) is refused with a message saying so.
// What must not break: the input is bounded and every step is linear in it; nothing read
// here chooses a path, a command or an option.
import { badInput } from "../../errors";

export const MAX_CONFIG_BYTES = 64 * 1024;
const MAX_SETTINGS = 256;
const MAX_LIST_ITEMS = 64;

export type XlScalar = string | number;
export type XlValue = XlScalar | XlScalar[];

export interface XlSetting {
  key: string;
  value: XlValue;
  line: number;
}

const PYTHON_KEYWORDS = new Set([
  "def",
  "import",
  "from",
  "class",
  "if",
  "elif",
  "else",
  "for",
  "while",
  "try",
  "except",
  "with",
  "return",
  "lambda",
  "global",
  "exec",
  "print",
  "del",
  "assert",
  "raise",
  "pass",
]);

const isIdentStart = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
const isIdent = (c: string) => isIdentStart(c) || (c >= "0" && c <= "9");
const isDigit = (c: string) => c >= "0" && c <= "9";

class Scanner {
  i = 0;
  line = 1;
  constructor(readonly text: string) {}
  peek(): string {
    return this.text[this.i] ?? "";
  }
  next(): string {
    const c = this.text[this.i++] ?? "";
    if (c === "\n") this.line++;
    return c;
  }
  fail(message: string): never {
    throw badInput("config", `line ${this.line}: ${message}`);
  }
  /** Spaces and tabs; with newlines too inside a list, and comments either way. */
  skipBlank(newlines: boolean): void {
    for (;;) {
      const c = this.peek();
      if (c === " " || c === "\t" || c === "\r" || (newlines && c === "\n")) this.next();
      else if (c === "#") while (this.peek() !== "" && this.peek() !== "\n") this.next();
      else return;
    }
  }
  ident(): string {
    const start = this.i;
    while (isIdent(this.peek())) this.next();
    return this.text.slice(start, this.i);
  }
}

function scalar(s: Scanner, key: string): XlScalar {
  const c = s.peek();
  if (c === '"' || c === "'") {
    s.next();
    const start = s.i;
    // Triple quotes, escapes and line continuations are Python, not a setting.
    if (s.peek() === c && s.text[s.i + 1] === c) s.fail(`${key}: a triple-quoted string is Python, not an xl setting`);
    for (;;) {
      const d = s.peek();
      if (d === "") s.fail(`${key}: the string never ends`);
      if (d === "\n") s.fail(`${key}: a string must end on its line`);
      if (d === "\\") s.fail(`${key}: backslash escapes are not read (Labdeck never evaluates a config)`);
      if (d === c) break;
      s.next();
    }
    const value = s.text.slice(start, s.i);
    s.next();
    return value;
  }
  if (isDigit(c) || c === "-") {
    const start = s.i;
    if (c === "-") s.next();
    if (!isDigit(s.peek())) s.fail(`${key}: not a number`);
    while (isDigit(s.peek())) s.next();
    const text = s.text.slice(start, s.i);
    if (text.replace("-", "").length > 15) s.fail(`${key}: the number is too long`);
    return Number(text);
  }
  if (isIdentStart(c)) {
    const word = s.ident();
    s.fail(
      `${key}: "${word.slice(0, 40)}" is a Python name or expression, not a quoted string or number; Labdeck never evaluates a config`,
    );
  }
  return s.fail(`${key}: expected a quoted string, a number or a list`);
}

function value(s: Scanner, key: string): XlValue {
  if (s.peek() !== "[") return scalar(s, key);
  s.next();
  const items: XlScalar[] = [];
  for (;;) {
    s.skipBlank(true);
    if (s.peek() === "]") break;
    if (s.peek() === "[") s.fail(`${key}: nested lists are not read`);
    if (items.length >= MAX_LIST_ITEMS) s.fail(`${key}: more than ${MAX_LIST_ITEMS} items`);
    items.push(scalar(s, key));
    s.skipBlank(true);
    if (s.peek() === ",") s.next();
    else if (s.peek() !== "]") s.fail(`${key}: expected "," or "]" in the list`);
  }
  s.next();
  return items;
}

/** The settings of a config file in order; a key set twice keeps its last value, as xl does. */
export function parseXlConfig(text: string): XlSetting[] {
  if (text.length > MAX_CONFIG_BYTES) throw badInput("config", `the config is over ${MAX_CONFIG_BYTES} bytes`);
  const s = new Scanner(text);
  const settings = new Map<string, XlSetting>();
  for (;;) {
    s.skipBlank(true);
    if (s.peek() === "") break;
    // Statements separated by ";" are valid xl.cfg too.
    if (s.peek() === ";") {
      s.next();
      continue;
    }
    if (!isIdentStart(s.peek())) s.fail(`expected a setting name, found ${JSON.stringify(s.peek())}`);
    const line = s.line;
    const key = s.ident();
    if (key.length > 64) s.fail("a setting name over 64 characters");
    s.skipBlank(false);
    if (PYTHON_KEYWORDS.has(key) && s.peek() !== "=") s.fail(`"${key}" is Python code, not a setting; Labdeck never evaluates a config`);
    if (s.peek() !== "=") s.fail(`${key}: expected "=" (only assignments are read; anything else would need Python to evaluate)`);
    s.next();
    s.skipBlank(false);
    const v = value(s, key);
    s.skipBlank(false);
    const end = s.peek();
    if (end !== "" && end !== "\n" && end !== ";") {
      s.fail(`${key}: "${end}" after the value: an expression is Python, not a setting; Labdeck never evaluates a config`);
    }
    settings.delete(key);
    settings.set(key, { key, value: v, line });
    if (settings.size > MAX_SETTINGS) s.fail(`more than ${MAX_SETTINGS} settings`);
  }
  return [...settings.values()];
}
