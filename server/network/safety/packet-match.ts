import type { TIptablesRule, TMatch, TOption } from "../iptables-rule";
import { parsePortRange } from "../parse-iptables-save";
import { interfaceMatches, parseIpv4, parsePrefix, prefixContains } from "../../../lib/ipv4";

// Does one iptables rule match one packet of Labdeck's SSH session? Three answers: yes,
// no, and "maybe" for anything this module cannot decide (an ipset, a rate limit, a mark
// set elsewhere, a token it does not know). "maybe" is never rounded to either side: the
// firewall evaluation follows both branches, so a DROP that only maybe matches is reported
// as a rule that could not be proven harmless instead of being silently waved through.

export type Tri = "yes" | "no" | "maybe";

export interface PortSpan {
  from: number;
  to: number;
}

export interface SessionPacket {
  src: string;
  dst: string;
  protocol: "tcp";
  /** A single port, or the span a reconnecting client may pick its source port from. */
  sport: PortSpan;
  dport: PortSpan;
  /** null where the hook has no such device (no out device in INPUT, no in device in OUTPUT). */
  inInterface: string | null;
  outInterface: string | null;
  /** Conntrack's view; INVALID in the raw table, which runs before conntrack. */
  state: "NEW" | "ESTABLISHED" | "INVALID";
  /** Every TCP flag combination the packet may carry (an ACK with or without PSH...). */
  tcpFlags: string[][];
  /** addrtype of each end: the server address is LOCAL on the host, the client UNICAST. */
  srcType: "LOCAL" | "UNICAST";
  dstType: "LOCAL" | "UNICAST";
}

/** Ephemeral ports a client may use: below 1024 are privileged and never picked by ssh. */
export const CLIENT_PORTS: PortSpan = { from: 1024, to: 65535 };

function not(t: Tri, negated: boolean): Tri {
  if (!negated || t === "maybe") return t;
  return t === "yes" ? "no" : "yes";
}

function all(results: readonly Tri[]): Tri {
  if (results.includes("no")) return "no";
  return results.includes("maybe") ? "maybe" : "yes";
}

function anyOf(results: readonly Tri[]): Tri {
  if (results.includes("yes")) return "yes";
  return results.includes("maybe") ? "maybe" : "no";
}

function fromBool(b: boolean | null): Tri {
  return b === null ? "maybe" : b ? "yes" : "no";
}

/** A packet port span against a rule range: inside, outside, or straddling. */
function portIn(span: PortSpan, text: string): Tri {
  const filled = text.startsWith(":") ? `0${text}` : text.endsWith(":") ? `${text}65535` : text;
  const r = parsePortRange(filled);
  if (r === null) return "maybe";
  if (span.from >= r.from && span.to <= r.to) return "yes";
  if (span.to < r.from || span.from > r.to) return "no";
  return "maybe";
}

function addressIn(address: string, ruleValue: string): Tri {
  const ip = parseIpv4(address);
  const prefix = parsePrefix(ruleValue);
  if (ip === null || prefix === null) return "maybe";
  return fromBool(prefixContains(prefix, ip));
}

function rangeIn(address: string, range: string | undefined): Tri {
  const [a, b] = (range ?? "").split("-");
  const ip = parseIpv4(address);
  const lo = parseIpv4(a ?? "");
  const hi = parseIpv4(b ?? a ?? "");
  if (ip === null || lo === null || hi === null) return "maybe";
  return fromBool(ip >= lo && ip <= hi);
}

const FLAG_NAMES = ["FIN", "SYN", "RST", "PSH", "ACK", "URG"];

function flagList(text: string | undefined): string[] | null {
  if (text === undefined) return null;
  if (text === "ALL") return FLAG_NAMES;
  if (text === "NONE") return [];
  const list = text.split(",");
  return list.every((f) => FLAG_NAMES.includes(f)) ? list : null;
}

function tcpFlagsMatch(packet: SessionPacket, maskText: string | undefined, compText: string | undefined): Tri {
  const mask = flagList(maskText);
  const comp = flagList(compText);
  if (mask === null || comp === null) return "maybe";
  const results = packet.tcpFlags.map((set) => fromBool(mask.every((f) => set.includes(f) === comp.includes(f))));
  return results.every((r) => r === "yes") ? "yes" : results.every((r) => r === "no") ? "no" : "maybe";
}

function portOption(packet: SessionPacket, o: TOption): Tri {
  switch (o.name) {
    case "--dport":
    case "--destination-port":
      return not(portIn(packet.dport, o.values[0] ?? ""), o.negated);
    case "--sport":
    case "--source-port":
      return not(portIn(packet.sport, o.values[0] ?? ""), o.negated);
    case "--syn":
      return not(tcpFlagsMatch(packet, "SYN,RST,ACK,FIN", "SYN"), o.negated);
    case "--tcp-flags":
      return not(tcpFlagsMatch(packet, o.values[0], o.values[1]), o.negated);
    default:
      return "maybe";
  }
}

function multiport(packet: SessionPacket, o: TOption): Tri {
  const items = (o.values[0] ?? "").split(",").filter((s) => s !== "");
  const inList = (span: PortSpan) => anyOf(items.map((p) => portIn(span, p)));
  switch (o.name) {
    case "--dports":
    case "--destination-ports":
      return not(inList(packet.dport), o.negated);
    case "--sports":
    case "--source-ports":
      return not(inList(packet.sport), o.negated);
    case "--ports":
      return not(anyOf([inList(packet.dport), inList(packet.sport)]), o.negated);
    default:
      return "maybe";
  }
}

function stateOption(packet: SessionPacket, o: TOption): Tri {
  const states = (o.values[0] ?? "").split(",");
  return not(fromBool(states.includes(packet.state)), o.negated);
}

function addrtype(packet: SessionPacket, o: TOption): Tri {
  const types = (o.values[0] ?? "").split(",");
  if (o.name === "--src-type") return not(fromBool(types.includes(packet.srcType)), o.negated);
  if (o.name === "--dst-type") return not(fromBool(types.includes(packet.dstType)), o.negated);
  return "maybe";
}

function matchModule(packet: SessionPacket, m: TMatch): Tri {
  const each = (f: (o: TOption) => Tri) => all(m.options.map(f));
  switch (m.module) {
    case "tcp":
      return each((o) => portOption(packet, o));
    // Protocol-specific matches need their `-p`; on a TCP packet they never match.
    case "udp":
    case "udplite":
    case "sctp":
    case "icmp":
      return "no";
    case "multiport":
      return each((o) => multiport(packet, o));
    case "conntrack":
      return each((o) => (o.name === "--ctstate" ? stateOption(packet, o) : "maybe"));
    case "state":
      return each((o) => (o.name === "--state" ? stateOption(packet, o) : "maybe"));
    case "comment":
      return "yes";
    case "iprange":
      return each((o) =>
        o.name === "--src-range"
          ? not(rangeIn(packet.src, o.values[0]), o.negated)
          : o.name === "--dst-range"
            ? not(rangeIn(packet.dst, o.values[0]), o.negated)
            : "maybe",
      );
    case "addrtype":
      return each((o) => addrtype(packet, o));
    default:
      return "maybe";
  }
}

function protocolMatch(value: string): Tri {
  if (value === "tcp" || value === "6" || value === "all" || value === "0") return "yes";
  return /^[a-z0-9-]+$/.test(value) ? "no" : "maybe";
}

export function matchRule(rule: TIptablesRule, packet: SessionPacket): Tri {
  const results: Tri[] = [];
  if (rule.protocol) results.push(not(protocolMatch(rule.protocol.value), rule.protocol.negated));
  if (rule.source) results.push(not(addressIn(packet.src, rule.source.value), rule.source.negated));
  if (rule.destination) results.push(not(addressIn(packet.dst, rule.destination.value), rule.destination.negated));
  if (rule.inInterface) {
    results.push(not(fromBool(interfaceMatches(rule.inInterface.value, packet.inInterface ?? "")), rule.inInterface.negated));
  }
  if (rule.outInterface) {
    results.push(not(fromBool(interfaceMatches(rule.outInterface.value, packet.outInterface ?? "")), rule.outInterface.negated));
  }
  // The session's packets are never fragments.
  if (rule.fragment) results.push(rule.fragment.negated ? "yes" : "no");
  if (rule.unparsed.length > 0) results.push("maybe");
  for (const m of rule.matches) results.push(matchModule(packet, m));
  return all(results);
}
