import type { CTSTATES, IPTABLES_TABLES, LOG_LEVELS, REJECT_WITH } from "@/lib/iptables-words";
import { isIpv4, isIpv4Cidr } from "@/lib/ipv4";
import { CHAIN_NAME, IFNAME_MATCH } from "@/lib/names";
import { hasUnsafeChar } from "@/lib/safe-text";
import type { TNetOpInput } from "./network-types";

// The firewall rule form's fields -> the rule an op carries (ZRuleSpec in
// server/network/ops.ts). The form is plain strings; this is where they become typed,
// with a message per field for what the server would refuse anyway, so the user sees it
// before a preview round trip.

export type RuleSpecInput = Extract<TNetOpInput, { op: "rule.append" }>["rule"];
export type FirewallTable = (typeof IPTABLES_TABLES)[number];

export const TARGETS_BY_TABLE: Record<FirewallTable, readonly string[]> = {
  filter: ["ACCEPT", "DROP", "REJECT", "LOG", "RETURN", "chain"],
  nat: ["ACCEPT", "RETURN", "MASQUERADE", "SNAT", "DNAT", "LOG", "chain"],
  mangle: ["ACCEPT", "DROP", "RETURN", "LOG", "chain"],
};

export interface RuleForm {
  protocol: "" | "tcp" | "udp" | "icmp" | "all";
  source: string;
  sourceNegated: boolean;
  destination: string;
  destinationNegated: boolean;
  inInterface: string;
  outInterface: string;
  /** "22" or "1000:2000". */
  sourcePort: string;
  destinationPort: string;
  ctstate: string[];
  comment: string;
  target: string;
  rejectWith: string;
  logPrefix: string;
  logLevel: string;
  toSource: string;
  toDestination: string;
  toPort: string;
  chain: string;
  goto: boolean;
}

export const EMPTY_RULE_FORM: RuleForm = {
  protocol: "",
  source: "",
  sourceNegated: false,
  destination: "",
  destinationNegated: false,
  inInterface: "",
  outInterface: "",
  sourcePort: "",
  destinationPort: "",
  ctstate: [],
  comment: "",
  target: "ACCEPT",
  rejectWith: "",
  logPrefix: "",
  logLevel: "",
  toSource: "",
  toDestination: "",
  toPort: "",
  chain: "",
  goto: false,
};

// The server's check (lib/safe-text.ts): no quote, backslash or control character of any
// kind (C0 with TAB and CR, DEL, C1, U+2028/9, bidi controls).
const oneLine = (v: string) => !/["\\]/.test(v) && !hasUnsafeChar(v);

type PortSpec = number | { from: number; to: number };

function portSpec(text: string): PortSpec | null {
  const m = /^(\d{1,5})(?::(\d{1,5}))?$/.exec(text);
  if (!m) return null;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 1 || to > 65535 || from > to) return null;
  return m[2] === undefined ? from : { from, to };
}

function target(f: RuleForm, errors: Record<string, string>): RuleSpecInput["target"] | null {
  switch (f.target) {
    case "ACCEPT":
    case "DROP":
    case "RETURN":
    case "MASQUERADE":
      return { kind: f.target };
    case "REJECT":
      return { kind: "REJECT", ...(f.rejectWith ? { with: f.rejectWith as (typeof REJECT_WITH)[number] } : {}) };
    case "LOG":
      if (f.logPrefix.length > 29 || !oneLine(f.logPrefix)) errors.logPrefix = "At most 29 characters, one line, no quotes or backslashes";
      return {
        kind: "LOG",
        ...(f.logPrefix ? { prefix: f.logPrefix } : {}),
        ...(f.logLevel ? { level: f.logLevel as (typeof LOG_LEVELS)[number] } : {}),
      };
    case "SNAT":
      if (!isIpv4(f.toSource)) errors.toSource = "An IPv4 address";
      return { kind: "SNAT", toSource: f.toSource };
    case "DNAT": {
      if (!isIpv4(f.toDestination)) errors.toDestination = "An IPv4 address";
      const port = f.toPort === "" ? null : portSpec(f.toPort);
      if (f.toPort !== "" && typeof port !== "number") errors.toPort = "A single port";
      return { kind: "DNAT", toDestination: f.toDestination, ...(typeof port === "number" ? { toPort: port } : {}) };
    }
    case "chain":
      if (!CHAIN_NAME.test(f.chain)) errors.chain = "A chain name";
      return { kind: "chain", chain: f.chain, ...(f.goto ? { goto: true } : {}) };
    default:
      errors.target = "Pick a target";
      return null;
  }
}

export function ruleSpecFromForm(f: RuleForm): { ok: true; rule: RuleSpecInput } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const rule: RuleSpecInput = { target: { kind: "ACCEPT" } };
  if (f.protocol) rule.protocol = f.protocol;
  for (const key of ["source", "destination"] as const) {
    const v = f[key];
    if (!v) continue;
    if (!isIpv4(v) && !isIpv4Cidr(v)) errors[key] = "An IPv4 address or CIDR";
    rule[key] = v;
    if (f[`${key}Negated`]) rule[`${key}Negated`] = true;
  }
  for (const key of ["inInterface", "outInterface"] as const) {
    const v = f[key];
    if (!v) continue;
    if (!IFNAME_MATCH.test(v)) errors[key] = "An interface name, optionally ending in +";
    rule[key] = v;
  }
  for (const key of ["sourcePort", "destinationPort"] as const) {
    const v = f[key];
    if (!v) continue;
    if (f.protocol !== "tcp" && f.protocol !== "udp") errors[key] = "Ports need protocol tcp or udp";
    const p = portSpec(v);
    if (p === null) errors[key] = "A port or a range such as 1000:2000";
    else rule[key] = p;
  }
  if (f.ctstate.length > 0) rule.ctstate = f.ctstate as (typeof CTSTATES)[number][];
  if (f.comment) {
    if (f.comment.length > 200 || !oneLine(f.comment)) errors.comment = "One line without quotes or backslashes";
    rule.comment = f.comment;
  }
  const t = target(f, errors);
  if (t) rule.target = t;
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, rule };
}

/** One line for the pending list: "-p tcp --dport 22 -j ACCEPT"-like, readable, not for a shell. */
export function ruleSummary(r: RuleSpecInput): string {
  const port = (p: PortSpec) => (typeof p === "number" ? String(p) : `${p.from}:${p.to}`);
  const parts: string[] = [];
  if (r.protocol) parts.push(r.protocol);
  if (r.source) parts.push(`from ${r.sourceNegated ? "not " : ""}${r.source}`);
  if (r.destination) parts.push(`to ${r.destinationNegated ? "not " : ""}${r.destination}`);
  if (r.inInterface) parts.push(`in ${r.inInterface}`);
  if (r.outInterface) parts.push(`out ${r.outInterface}`);
  if (r.sourcePort !== undefined) parts.push(`sport ${port(r.sourcePort)}`);
  if (r.destinationPort !== undefined) parts.push(`dport ${port(r.destinationPort)}`);
  if (r.ctstate) parts.push(`state ${r.ctstate.join(",")}`);
  const t = r.target;
  parts.push(`→ ${t.kind === "chain" ? t.chain : t.kind}`);
  if (t.kind === "LOG" && t.prefix) parts.push(`"${t.prefix}"`);
  if (t.kind === "DNAT") parts.push(`${t.toDestination}${t.toPort ? `:${t.toPort}` : ""}`);
  if (t.kind === "SNAT") parts.push(t.toSource);
  return parts.join(" ");
}
