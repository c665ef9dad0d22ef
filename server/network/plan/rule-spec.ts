import { badInput } from "../../errors";
import { assertSafeText } from "../../safe-text";
import { parseRule, saveString, type TIptablesRule } from "../iptables-rule";
import type { TRuleSpec } from "../ops";
import type { TIptablesTable } from "../parse-iptables-save";
import { iptablesPrefix } from "../../../lib/ipv4";
import type { OpAt } from "./types";

// A rule as the editor builds it (TRuleSpec) -> the exact line iptables-save prints for
// it. Rules are compared with the host by that text, so this rendering must match
// iptables byte for byte, or a plan would never see its own rule as in place. The order
// and forms were read off iptables 1.8.9 (nft and legacy print alike; see the table in
// rule-spec.test.ts): `-s -d -i -o -p`, prefixes always with a length and host bits
// cleared, `-p all` dropped, `-m tcp|udp` added before ports with --sport before --dport,
// conntrack states in the kernel's bit order, LOG levels as numbers with the default
// (warning) omitted, REJECT always with its --reject-with.

const CTSTATE_ORDER = ["INVALID", "NEW", "RELATED", "ESTABLISHED", "UNTRACKED", "SNAT", "DNAT"];
const LOG_LEVELS: Record<string, number> = { emerg: 0, alert: 1, crit: 2, error: 3, warning: 4, notice: 5, info: 6, debug: 7 };
const DEFAULT_LOG_LEVEL = 4;

type Port = NonNullable<TRuleSpec["destinationPort"]>;

function portText(p: Port): string {
  if (typeof p === "number") return String(p);
  return p.from === p.to ? String(p.from) : `${p.from}:${p.to}`;
}

function targetTokens(t: TRuleSpec["target"]): string[] {
  switch (t.kind) {
    case "ACCEPT":
    case "DROP":
    case "RETURN":
    case "MASQUERADE":
      return ["-j", t.kind];
    case "REJECT":
      return ["-j", "REJECT", "--reject-with", t.with ?? "icmp-port-unreachable"];
    case "LOG": {
      const level = t.level === undefined ? DEFAULT_LOG_LEVEL : (LOG_LEVELS[t.level] ?? DEFAULT_LOG_LEVEL);
      // iptables refuses an empty prefix; the editor's empty field means "no prefix".
      return [
        "-j",
        "LOG",
        ...(t.prefix ? ["--log-prefix", saveString(t.prefix)] : []),
        ...(level === DEFAULT_LOG_LEVEL ? [] : ["--log-level", String(level)]),
      ];
    }
    case "SNAT":
      return ["-j", "SNAT", "--to-source", t.toSource];
    case "DNAT":
      return ["-j", "DNAT", "--to-destination", t.toPort === undefined ? t.toDestination : `${t.toDestination}:${t.toPort}`];
    case "chain":
      return [t.goto ? "-g" : "-j", t.chain];
  }
}

/** The canonical `-A CHAIN ...` line, without counters. */
export function renderSpec(chain: string, spec: TRuleSpec): string {
  const out = ["-A", chain];
  if (spec.source) out.push(...(spec.sourceNegated ? ["!"] : []), "-s", iptablesPrefix(spec.source));
  if (spec.destination) out.push(...(spec.destinationNegated ? ["!"] : []), "-d", iptablesPrefix(spec.destination));
  if (spec.inInterface) out.push("-i", spec.inInterface);
  if (spec.outInterface) out.push("-o", spec.outInterface);
  if (spec.protocol && spec.protocol !== "all") out.push("-p", spec.protocol);
  if (spec.protocol && (spec.sourcePort !== undefined || spec.destinationPort !== undefined)) {
    out.push("-m", spec.protocol);
    if (spec.sourcePort !== undefined) out.push("--sport", portText(spec.sourcePort));
    if (spec.destinationPort !== undefined) out.push("--dport", portText(spec.destinationPort));
  }
  if (spec.ctstate) out.push("-m", "conntrack", "--ctstate", CTSTATE_ORDER.filter((s) => spec.ctstate?.includes(s as never)).join(","));
  if (spec.comment !== undefined) out.push("-m", "comment", "--comment", saveString(spec.comment));
  out.push(...targetTokens(spec.target));
  return out.join(" ");
}

export function specToRule(chain: string, spec: TRuleSpec): TIptablesRule {
  return parseRule(renderSpec(chain, spec));
}

const NAT_HOOKS: Record<string, readonly string[]> = {
  MASQUERADE: ["POSTROUTING"],
  SNAT: ["POSTROUTING", "INPUT"],
  DNAT: ["PREROUTING", "OUTPUT"],
};
const NO_IN = new Set(["OUTPUT", "POSTROUTING"]);
const NO_OUT = new Set(["PREROUTING", "INPUT"]);

/**
 * Refuses what iptables or the kernel would refuse, before any step exists: the nft
 * backend's `iptables-restore --test` only parses, so a jump to a missing chain or a NAT
 * target in the filter table would otherwise pass the test and fail (atomically, but
 * late) at apply. `field` is the op's path to the spec, e.g. "rule".
 */
export function checkSpec(table: TIptablesTable, chain: string, spec: TRuleSpec, at: OpAt, field: string): void {
  const f = (name: string) => at.field(`${field}.${name}`);
  // Free text goes into iptables-restore input, rules.v4 and the script: checked again here.
  if (spec.comment !== undefined) assertSafeText(f("comment"), spec.comment);
  if (spec.target.kind === "LOG" && spec.target.prefix !== undefined) assertSafeText(f("target.prefix"), spec.target.prefix);
  const builtin = table.chains.find((c) => c.name === chain)?.builtin ?? false;
  if ((spec.sourcePort !== undefined || spec.destinationPort !== undefined) && spec.protocol !== "tcp" && spec.protocol !== "udp") {
    throw badInput(f("protocol"), "ports need protocol tcp or udp");
  }
  if (builtin && spec.inInterface && NO_IN.has(chain)) throw badInput(f("inInterface"), `${chain} has no input interface`);
  if (builtin && spec.outInterface && NO_OUT.has(chain)) throw badInput(f("outInterface"), `${chain} has no output interface`);
  const t = spec.target;
  const hooks = NAT_HOOKS[t.kind];
  if (hooks) {
    if (table.name !== "nat") throw badInput(f("target.kind"), `${t.kind} belongs in the nat table`);
    if (builtin && !hooks.includes(chain)) throw badInput(f("target.kind"), `${t.kind} works only in ${hooks.join(" or ")}`);
  }
  if (table.name === "nat" && (t.kind === "DROP" || t.kind === "REJECT"))
    throw badInput(f("target.kind"), "the nat table does not filter: use the filter table");
  if (t.kind === "REJECT" && t.with === "tcp-reset" && spec.protocol !== "tcp")
    throw badInput(f("target.with"), "tcp-reset needs protocol tcp");
  if (t.kind === "chain") {
    const target = table.chains.find((c) => c.name === t.chain);
    if (!target) throw badInput(f("target.chain"), `chain ${t.chain} does not exist in table ${table.name}`);
    if (target.builtin) throw badInput(f("target.chain"), `cannot jump to the built-in chain ${t.chain}`);
    if (t.chain === chain) throw badInput(f("target.chain"), "a chain cannot jump to itself");
  }
}
