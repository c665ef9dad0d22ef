import { z } from "zod";
import { LabdeckError } from "../errors";

// One `iptables-save -c` rule line <-> a structured rule. The structure is generic (basic
// selectors, then each `-m` match with its options in order, then the target with its
// options) so that every token lands somewhere and renderRule() gives back the canonical
// line byte for byte: the write side will build rule sets from these objects and feed
// them to iptables-restore, so a token dropped here would silently delete part of a
// user's rule. Typed views (ports, comment, DNAT destination...) are derived from the
// generic part, never stored instead of it.

const ZNegatable = z.object({ value: z.string(), negated: z.boolean() });
export type TNegatable = z.infer<typeof ZNegatable>;

export const ZOption = z.object({ name: z.string(), values: z.array(z.string()), negated: z.boolean() });
export type TOption = z.infer<typeof ZOption>;

export const ZMatch = z.object({ module: z.string(), options: z.array(ZOption) });
export type TMatch = z.infer<typeof ZMatch>;

export const ZPortRange = z.object({ from: z.number().int(), to: z.number().int(), negated: z.boolean() });
export type TPortRange = z.infer<typeof ZPortRange>;

export const ZIptablesRule = z.object({
  chain: z.string(),
  packets: z.number().int().nullable(),
  bytes: z.number().int().nullable(),
  protocol: ZNegatable.nullable(),
  source: ZNegatable.nullable(),
  destination: ZNegatable.nullable(),
  /** May end in "+", iptables' prefix wildcard ("tap+" = every tap). */
  inInterface: ZNegatable.nullable(),
  outInterface: ZNegatable.nullable(),
  fragment: ZNegatable.nullable(),
  matches: z.array(ZMatch),
  /** `-j` target (ACCEPT, DNAT, a user chain...) or `-g` goto; null for a counting-only rule. */
  target: z.object({ name: z.string(), goto: z.boolean(), options: z.array(ZOption) }).nullable(),
  /** Tokens not understood, in order; rendered after the basic selectors. */
  unparsed: z.array(z.string()),
  /** The line exactly as read (without counters), for display and audit. */
  text: z.string(),
});
export type TIptablesRule = z.infer<typeof ZIptablesRule>;

/** Tokenises like iptables-restore: double quotes group, a backslash escapes the next char. */
export function tokenize(line: string): string[] {
  return tokenizeQuoted(line).map((t) => t.text);
}

interface Token {
  text: string;
  /** A quoted token is always a value, even a comment reading "--not an option". */
  quoted: boolean;
}

function tokenizeQuoted(line: string): Token[] {
  const out: Token[] = [];
  let cur = "";
  let inQuote = false;
  let has = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === "\\" && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else if (c === '"') {
      inQuote = !inQuote;
      has = true;
      quoted = true;
    } else if (!inQuote && (c === " " || c === "\t")) {
      if (has) out.push({ text: cur, quoted });
      cur = "";
      has = false;
      quoted = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (inQuote) throw new LabdeckError("INTERNAL", "iptables-save: unterminated quote", { details: { line: line.slice(0, 200) } });
  if (has) out.push({ text: cur, quoted });
  return out;
}

/** xtables_save_string(): bare when only [A-Za-z0-9_-], else quoted with " \ ' escaped. */
export function saveString(value: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(value)) return value;
  return `"${value.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}

// Options whose values iptables prints through xtables_save_string (quoted when needed).
// Everything else is printed raw, so "192.168.2.10:22" must not be quoted on the way back.
const SAVE_STRING_OPTIONS = new Set(["--comment", "--log-prefix", "--nflog-prefix", "--string", "--set-name", "--name"]);

const BASIC: Record<string, "protocol" | "source" | "destination" | "inInterface" | "outInterface"> = {
  "-p": "protocol",
  "-s": "source",
  "-d": "destination",
  "-i": "inInterface",
  "-o": "outInterface",
};
const BASIC_FLAG: Record<string, string> = { protocol: "-p", source: "-s", destination: "-d", inInterface: "-i", outInterface: "-o" };

function isKeyword(tok: Token | undefined): boolean {
  return tok !== undefined && !tok.quoted && (tok.text.startsWith("--") || ["!", "-m", "-j", "-g"].includes(tok.text));
}

/** Reads `[! ]--opt v v ...` groups until `-m`, `-j`, `-g` or the end. */
function readOptions(tokens: Token[], start: number): { options: TOption[]; next: number } {
  const options: TOption[] = [];
  let i = start;
  while (i < tokens.length) {
    let negated = false;
    const t = tokens[i] as Token;
    if (t.quoted || t.text === "-m" || t.text === "-j" || t.text === "-g") break;
    if (t.text === "!" && tokens[i + 1]?.text.startsWith("--") && !tokens[i + 1]?.quoted) {
      negated = true;
      i++;
    }
    const name = (tokens[i] as Token).text;
    if (!name.startsWith("--") || (tokens[i] as Token).quoted) break;
    i++;
    const values: string[] = [];
    while (i < tokens.length && !isKeyword(tokens[i])) {
      values.push((tokens[i] as Token).text);
      i++;
    }
    options.push({ name, values, negated });
  }
  return { options, next: i };
}

export function parseRule(line: string): TIptablesRule {
  let text = line.trim();
  let packets: number | null = null;
  let bytes: number | null = null;
  const counters = /^\[(\d+):(\d+)\]\s+/.exec(text);
  if (counters) {
    packets = Number(counters[1]);
    bytes = Number(counters[2]);
    text = text.slice(counters[0].length);
  }
  const quotedTokens = tokenizeQuoted(text);
  const tokens = quotedTokens.map((t) => t.text);
  if (tokens[0] !== "-A" || tokens[1] === undefined) {
    throw new LabdeckError("INTERNAL", "iptables-save: a rule line must start with -A CHAIN", { details: { line: line.slice(0, 200) } });
  }
  const rule: TIptablesRule = {
    chain: tokens[1],
    packets,
    bytes,
    protocol: null,
    source: null,
    destination: null,
    inInterface: null,
    outInterface: null,
    fragment: null,
    matches: [],
    target: null,
    unparsed: [],
    text,
  };
  let i = 2;
  while (i < tokens.length) {
    const t = tokens[i] as string;
    const negated = t === "!";
    const flag = negated ? tokens[i + 1] : t;
    const basic = flag === undefined ? undefined : BASIC[flag];
    if (basic && tokens[i + (negated ? 2 : 1)] !== undefined) {
      rule[basic] = { value: tokens[i + (negated ? 2 : 1)] as string, negated };
      i += negated ? 3 : 2;
    } else if (flag === "-f") {
      rule.fragment = { value: "", negated };
      i += negated ? 2 : 1;
    } else if (t === "-m" && tokens[i + 1] !== undefined) {
      const { options, next } = readOptions(quotedTokens, i + 2);
      rule.matches.push({ module: tokens[i + 1] as string, options });
      i = next;
    } else if ((t === "-j" || t === "-g") && tokens[i + 1] !== undefined) {
      const { options, next } = readOptions(quotedTokens, i + 2);
      rule.target = { name: tokens[i + 1] as string, goto: t === "-g", options };
      i = next;
    } else {
      rule.unparsed.push(t);
      i++;
    }
  }
  return rule;
}

function renderOptions(options: TOption[]): string[] {
  return options.flatMap((o) => [
    ...(o.negated ? ["!"] : []),
    o.name,
    ...o.values.map((v) => (SAVE_STRING_OPTIONS.has(o.name) ? saveString(v) : v)),
  ]);
}

/** The canonical iptables-save line (with counters when the rule has them). */
export function renderRule(rule: TIptablesRule, opts: { counters?: boolean } = {}): string {
  const parts: string[] = [];
  if ((opts.counters ?? true) && rule.packets !== null && rule.bytes !== null) parts.push(`[${rule.packets}:${rule.bytes}]`);
  parts.push("-A", rule.chain);
  for (const key of ["source", "destination", "inInterface", "outInterface", "protocol"] as const) {
    const v = rule[key];
    if (v) parts.push(...(v.negated ? ["!"] : []), BASIC_FLAG[key] as string, v.value);
  }
  if (rule.fragment) parts.push(...(rule.fragment.negated ? ["!"] : []), "-f");
  parts.push(...rule.unparsed);
  for (const m of rule.matches) parts.push("-m", m.module, ...renderOptions(m.options));
  if (rule.target) parts.push(rule.target.goto ? "-g" : "-j", rule.target.name, ...renderOptions(rule.target.options));
  return parts.join(" ");
}
