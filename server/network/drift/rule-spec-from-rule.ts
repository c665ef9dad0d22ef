import type { TIptablesRule, TOption } from "../iptables-rule";
import { ZRuleSpec, type TRuleSpec } from "../ops";

// A rule read from the host, turned back into the editor's TRuleSpec so a revert can
// re-insert it with the op vocabulary. All or nothing: every token of the rule must land
// in a spec field, else null. A spec that dropped a token (a negated interface, an icmp
// type, a multiport list, `-m state` instead of conntrack) would re-insert a different,
// wider rule than the one the team applied, which is worse than asking a human.

const LOG_LEVELS = ["emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"] as const;

const SPEC_TARGETS = new Set(["ACCEPT", "DROP", "RETURN", "MASQUERADE", "REJECT", "LOG", "SNAT", "DNAT"]);

/** Targets that are extensions, not user chains, even without options. */
const EXTENSION_TARGETS = new Set([
  "AUDIT",
  "CHECKSUM",
  "CLASSIFY",
  "CLUSTERIP",
  "CONNMARK",
  "CONNSECMARK",
  "CT",
  "DSCP",
  "ECN",
  "HMARK",
  "IDLETIMER",
  "LED",
  "MARK",
  "NETMAP",
  "NFLOG",
  "NFQUEUE",
  "NOTRACK",
  "QUEUE",
  "RATEEST",
  "REDIRECT",
  "SECMARK",
  "SET",
  "SYNPROXY",
  "TCPMSS",
  "TCPOPTSTRIP",
  "TEE",
  "TOS",
  "TPROXY",
  "TRACE",
  "TTL",
  "ULOG",
]);

type Port = NonNullable<TRuleSpec["destinationPort"]>;

function port(text: string): Port | null {
  const m = /^(\d{1,5})(?::(\d{1,5}))?$/.exec(text);
  if (!m) return null;
  return m[2] === undefined ? Number(m[1]) : { from: Number(m[1]), to: Number(m[2]) };
}

/** The single plain value of an option, or null when negated or not exactly one value. */
function single(o: TOption): string | null {
  return !o.negated && o.values.length === 1 ? (o.values[0] as string) : null;
}

/** Fills `spec` from one `-m` match; false when a token has no field to go to. */
function applyMatch(spec: Record<string, unknown>, module: string, options: TOption[]): boolean {
  if (module === "tcp" || module === "udp") {
    if (spec["protocol"] !== module) return false;
    for (const o of options) {
      const field =
        o.name === "--dport" || o.name === "--destination-port"
          ? "destinationPort"
          : o.name === "--sport" || o.name === "--source-port"
            ? "sourcePort"
            : null;
      const v = single(o);
      const p = v === null ? null : port(v);
      if (field === null || p === null || spec[field] !== undefined) return false;
      spec[field] = p;
    }
    return true;
  }
  const [o, ...more] = options;
  const v = o ? single(o) : null;
  if (more.length > 0 || o === undefined || v === null) return false;
  if (module === "conntrack" && o.name === "--ctstate" && spec["ctstate"] === undefined) spec["ctstate"] = v.split(",");
  else if (module === "comment" && o.name === "--comment" && spec["comment"] === undefined) spec["comment"] = v;
  else return false;
  return true;
}

function target(rule: TIptablesRule, userChains: ReadonlySet<string> | undefined): TRuleSpec["target"] | null {
  const t = rule.target;
  if (!t) return null;
  const opts = new Map<string, string | null>(t.options.map((o) => [o.name, single(o)]));
  if (opts.size !== t.options.length || [...opts.values()].includes(null)) return null;
  const only = (...names: string[]) => [...opts.keys()].every((k) => names.includes(k));
  const isChain = !SPEC_TARGETS.has(t.name) && (userChains ? userChains.has(t.name) : !EXTENSION_TARGETS.has(t.name));
  if (isChain) return opts.size === 0 ? { kind: "chain", chain: t.name, ...(t.goto ? { goto: true } : {}) } : null;
  if (t.goto) return null;
  switch (t.name) {
    case "ACCEPT":
    case "DROP":
    case "RETURN":
    case "MASQUERADE":
      return opts.size === 0 ? { kind: t.name } : null;
    case "REJECT": {
      const w = opts.get("--reject-with");
      return only("--reject-with") ? ({ kind: "REJECT", ...(w ? { with: w } : {}) } as TRuleSpec["target"]) : null;
    }
    case "LOG": {
      if (!only("--log-prefix", "--log-level")) return null;
      const prefix = opts.get("--log-prefix");
      const raw = opts.get("--log-level");
      // iptables-save prints the level as a number; the spec names it.
      const level = raw == null ? undefined : /^[0-7]$/.test(raw) ? LOG_LEVELS[Number(raw)] : raw;
      return { kind: "LOG", ...(prefix != null ? { prefix } : {}), ...(level !== undefined ? { level } : {}) } as TRuleSpec["target"];
    }
    case "SNAT": {
      const to = opts.get("--to-source");
      return only("--to-source") && to ? { kind: "SNAT", toSource: to } : null;
    }
    case "DNAT": {
      const m = /^([\d.]+)(?::(\d{1,5}))?$/.exec(opts.get("--to-destination") ?? "");
      if (!only("--to-destination") || !m) return null;
      return { kind: "DNAT", toDestination: m[1] as string, ...(m[2] !== undefined ? { toPort: Number(m[2]) } : {}) };
    }
    default:
      return null;
  }
}

/**
 * `userChains`: the chains of the rule's table, when known; a target named there is a
 * jump to a chain, any other unknown target is an extension the spec cannot hold.
 */
export function ruleSpecFromRule(rule: TIptablesRule, opts: { userChains?: ReadonlySet<string> } = {}): TRuleSpec | null {
  if (rule.unparsed.length > 0 || rule.fragment) return null;
  const spec: Record<string, unknown> = {};
  if (rule.protocol) {
    if (rule.protocol.negated) return null;
    spec["protocol"] = rule.protocol.value;
  }
  for (const key of ["source", "destination"] as const) {
    const v = rule[key];
    if (!v) continue;
    spec[key] = v.value;
    if (v.negated) spec[`${key}Negated`] = true;
  }
  for (const key of ["inInterface", "outInterface"] as const) {
    const v = rule[key];
    if (!v) continue;
    if (v.negated) return null;
    spec[key] = v.value;
  }
  for (const m of rule.matches) if (!applyMatch(spec, m.module, m.options)) return null;
  const t = target(rule, opts.userChains);
  if (t === null) return null;
  spec["target"] = t;
  const parsed = ZRuleSpec.safeParse(spec);
  return parsed.success ? parsed.data : null;
}
