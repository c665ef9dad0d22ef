// Finds every regular expression written in the project's sources and builds adversarial
// inputs for it, for server/pattern-safety.test.ts. Sources are read with the TypeScript
// parser (not a grep), so a pattern in any position is found: an argument, an array
// element, an object field, a JSX attribute. Test support only; nothing imports it at run time.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

export const SCANNED_DIRS = ["server", "lib", "components", "app", "scripts"] as const;

export interface FoundPattern {
  file: string;
  line: number;
  source: string;
  flags: string;
  /** Exported as `export const NAME = /…/`. */
  exportedAs: string | null;
}

export interface ScanResult {
  patterns: FoundPattern[];
  /** `new RegExp(…)` / `RegExp(…)` calls: a pattern built at run time cannot be checked here. */
  dynamic: Array<{ file: string; line: number; text: string }>;
}

function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && entry.name !== "fixtures") out.push(...sourceFiles(root, rel));
    } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
      out.push(rel);
    }
  }
  return out;
}

function splitLiteral(text: string): { source: string; flags: string } {
  const end = text.lastIndexOf("/");
  return { source: text.slice(1, end), flags: text.slice(end + 1) };
}

export function scanSources(root: string): ScanResult {
  const result: ScanResult = { patterns: [], dynamic: [] };
  for (const file of SCANNED_DIRS.flatMap((d) => sourceFiles(root, d))) {
    const text = readFileSync(path.join(root, file), "utf8");
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const parent = node.parent;
        let exportedAs: string | null = null;
        if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
          const statement = parent.parent.parent;
          if (ts.isVariableStatement(statement) && statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))
            exportedAs = parent.name.text;
        }
        result.patterns.push({ file, line: lineOf(node), ...splitLiteral(node.getText(sf)), exportedAs });
      } else if (
        (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === "RegExp"
      ) {
        result.dynamic.push({ file, line: lineOf(node), text: node.getText(sf).slice(0, 80) });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return result;
}

// Characters that commonly sit inside or next to a quantified part: path and name
// separators, whitespace, brackets, the escape byte of terminal output.
const BASE_CHARS = [
  "a",
  "Z",
  "0",
  "9",
  "f",
  "/",
  ".",
  "-",
  "_",
  ":",
  " ",
  "\t",
  "\n",
  "\r",
  "=",
  ",",
  "[",
  "]",
  "(",
  ")",
  "#",
  "+",
  "@",
  "%",
  "'",
  '"',
  "\\",
  "\x1b",
  "\x07",
  "\0",
  "é",
];
// Two-character pumps: a segment and its separator, the shapes of nested quantifiers.
const PAIRS = [
  "a/",
  "/a",
  "a.",
  ".a",
  "a:",
  ":a",
  "a-",
  "0.",
  "0:",
  "a ",
  " a",
  "[/",
  "/[",
  "a=",
  "a,",
  "a\n",
  "\na",
  " \n",
  "\x1b[",
  "\x1b]",
  "[0",
  "a#",
];

/** Literal text of a pattern: the prefix after `^` and runs of ordinary characters. */
function literalRuns(source: string): { prefix: string; runs: string[] } {
  const runs: string[] = [];
  let current = "";
  let prefix: string | null = null;
  const endRun = () => {
    if (prefix === null) prefix = current;
    if (current.length >= 2) runs.push(current);
    current = "";
  };
  let i = source.startsWith("^") ? 1 : 0;
  if (i === 0) prefix = "";
  while (i < source.length) {
    const c = source[i] as string;
    if (c === "\\") {
      const n = source[i + 1] ?? "";
      if (/^[^A-Za-z0-9]$/.test(n)) {
        current += n;
      } else {
        endRun();
      }
      i += 2;
      continue;
    }
    if (c === "[") {
      endRun();
      const close = source.indexOf("]", i + 2);
      i = close < 0 ? source.length : close + 1;
      continue;
    }
    if ("()|^$*+?{}.".includes(c)) {
      // A quantifier applies to the last character, so that one is not part of the literal.
      if ("*+?{".includes(c)) current = current.slice(0, -1);
      endRun();
      i++;
      continue;
    }
    current += c;
    i++;
  }
  endRun();
  return { prefix: prefix ?? "", runs };
}

export interface InputFamily {
  label: string;
  /** An input of about `n` characters. */
  make(n: number): string;
}

const repeatTo = (unit: string, n: number) => unit.repeat(Math.max(1, Math.ceil(n / unit.length))).slice(0, Math.max(1, n));

/**
 * Inputs built to make a backtracking matcher try many ways: a long run of one pump
 * (a character, a pair, a literal word of the pattern) after the pattern's own prefix,
 * ended by a character that makes the match fail at the last moment.
 */
export function familiesFor(p: Pick<FoundPattern, "source">, extra: readonly InputFamily[] = []): InputFamily[] {
  const { prefix, runs } = literalRuns(p.source);
  const chars = new Set(BASE_CHARS);
  for (const r of runs) for (const c of r) chars.add(c);
  const pumps = [...chars, ...PAIRS, ...runs, ...runs.map((r) => `${r} `)];
  const families: InputFamily[] = [];
  for (const pump of pumps) {
    for (const pre of prefix === "" ? [""] : ["", prefix]) {
      for (const end of ["\0", "!"]) {
        families.push({
          label: `${JSON.stringify(pre)} + ${JSON.stringify(pump)}* + ${JSON.stringify(end)}`,
          make: (n) => pre + repeatTo(pump, n - pre.length - 1) + end,
        });
      }
    }
  }
  return [...families, ...extra];
}

/** Runs the pattern the way the code does: a global one through replace, others through exec. */
export function runOnce(re: RegExp, input: string): number {
  const started = performance.now();
  if (re.global) input.replace(re, "");
  else re.exec(input);
  return performance.now() - started;
}
