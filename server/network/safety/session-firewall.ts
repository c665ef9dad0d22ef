import type { TIptables } from "../parse-iptables-save";
import { endingKey, evaluatePath, FILTER_TARGETS, NAT_TARGETS, type BadEnding, type FirewallVerdict } from "./firewall-eval";
import { CLIENT_PORTS, type SessionPacket } from "./packet-match";

// The three packets that keep Labdeck connected, run through the hooks they cross:
// the session's incoming segments (ESTABLISHED), a new connection (NEW: Labdeck
// reconnects to confirm a change, so a rule that only blocks new connections still locks
// it out), and the replies (ESTABLISHED, leaving through the session's interface). Only
// NEW packets see the nat table: conntrack applies NAT decided on a connection's first
// packet. What is compared is before against after: a bad ending the old rule set already
// had cannot be blamed on the change (the session is alive, so it is the evaluator being
// cautious), and refusing it would block every change on that host.

export interface SessionEnds {
  clientAddress: string;
  serverAddress: string;
  serverPort: number;
  /** The interface the session crosses, as a hook sees it (a bridge, not its port). */
  iface: string;
}

type Flow = "incoming" | "new" | "reply";

function packets(s: SessionEnds): Record<Flow, SessionPacket> {
  const port = { from: s.serverPort, to: s.serverPort };
  const incoming: SessionPacket = {
    src: s.clientAddress,
    dst: s.serverAddress,
    protocol: "tcp",
    sport: CLIENT_PORTS,
    dport: port,
    inInterface: s.iface,
    outInterface: null,
    state: "ESTABLISHED",
    tcpFlags: [["ACK"], ["ACK", "PSH"]],
    srcType: "UNICAST",
    dstType: "LOCAL",
  };
  return {
    incoming,
    new: { ...incoming, state: "NEW", tcpFlags: [["SYN"]] },
    reply: {
      ...incoming,
      src: s.serverAddress,
      dst: s.clientAddress,
      sport: port,
      dport: CLIENT_PORTS,
      inInterface: null,
      outInterface: s.iface,
      srcType: "LOCAL",
      dstType: "UNICAST",
    },
  };
}

function verdicts(ipt: TIptables, s: SessionEnds): Record<Flow, FirewallVerdict> {
  const p = packets(s);
  // raw runs before conntrack has looked at the packet: a state match there sees INVALID.
  const raw = (packet: SessionPacket) => ({ ...packet, state: "INVALID" as const });
  const f = FILTER_TARGETS;
  return {
    incoming: evaluatePath(ipt, [
      { table: "raw", chain: "PREROUTING", packet: raw(p.incoming), targets: f },
      { table: "mangle", chain: "PREROUTING", packet: p.incoming, targets: f },
      { table: "mangle", chain: "INPUT", packet: p.incoming, targets: f },
      { table: "filter", chain: "INPUT", packet: p.incoming, targets: f },
    ]),
    new: evaluatePath(ipt, [
      { table: "raw", chain: "PREROUTING", packet: raw(p.new), targets: f },
      { table: "mangle", chain: "PREROUTING", packet: p.new, targets: f },
      { table: "nat", chain: "PREROUTING", packet: p.new, targets: NAT_TARGETS },
      { table: "mangle", chain: "INPUT", packet: p.new, targets: f },
      { table: "filter", chain: "INPUT", packet: p.new, targets: f },
    ]),
    reply: evaluatePath(ipt, [
      { table: "raw", chain: "OUTPUT", packet: raw(p.reply), targets: f },
      { table: "mangle", chain: "OUTPUT", packet: p.reply, targets: f },
      { table: "filter", chain: "OUTPUT", packet: p.reply, targets: f },
      { table: "mangle", chain: "POSTROUTING", packet: p.reply, targets: f },
    ]),
  };
}

const RANK = { accept: 0, "might-drop": 1, drop: 2 } as const;

/** The bad endings of `after` that make it worse than `before` for one flow. */
function worse(before: FirewallVerdict, after: FirewallVerdict): BadEnding[] {
  const old = new Set(before.bad.map(endingKey));
  const added = after.bad.filter((e) => !old.has(endingKey(e)));
  if (added.length > 0) return added;
  return RANK[after.severity] > RANK[before.severity] ? after.bad : [];
}

function verb(target: string): string {
  if (target === "REJECT") return "reject";
  if (["DNAT", "REDIRECT", "NETMAP"].includes(target)) return "redirect";
  if (["NFQUEUE", "QUEUE"].includes(target)) return "hand to a userspace queue";
  return "drop";
}

function what(flows: Flow[], s: SessionEnds): string {
  const inbound = `TCP ${s.clientAddress} → ${s.serverAddress}:${s.serverPort} on ${s.iface}`;
  if (flows.includes("reply") && flows.length > 1) {
    return `Labdeck's SSH session in both directions (TCP ${s.clientAddress} ⇄ ${s.serverAddress}:${s.serverPort} on ${s.iface})`;
  }
  if (flows.includes("reply")) {
    return `the replies of Labdeck's SSH session (TCP ${s.serverAddress}:${s.serverPort} → ${s.clientAddress} out of ${s.iface})`;
  }
  if (flows.includes("incoming")) return `Labdeck's SSH session (${inbound})`;
  return `new SSH connections from Labdeck (${inbound}); Labdeck reconnects to confirm the change, so it would be locked out`;
}

function sentence(e: BadEnding, flows: Flow[], s: SessionEnds): string {
  const where = `${e.table} ${e.chain}`;
  if (e.note) return `The ${e.table} rules could not be evaluated for ${what(flows, s)}: ${e.note}.`;
  if (!e.rule) return `The ${e.policy ?? "DROP"} policy of ${where} would drop ${what(flows, s)}: no rule before it accepts them.`;
  const v = verb(e.rule.target?.name ?? "DROP");
  if (e.uncertain) {
    return `The rule "${e.rule.text}" in ${where} could not be proven harmless: it would ${v} ${what(flows, s)} if it matches.`;
  }
  return `The rule "${e.rule.text}" in ${where} would ${v} ${what(flows, s)}.`;
}

/**
 * Sentences for every way the firewall after the change would cut the session that the
 * firewall before it did not. An ending shared by the incoming and the new packets (a
 * DROP of port 22) is told once.
 */
export function firewallProblems(before: TIptables, beforeEnds: SessionEnds, after: TIptables, afterEnds: SessionEnds): string[] {
  const b = verdicts(before, beforeEnds);
  const a = verdicts(after, afterEnds);
  const byKey = new Map<string, { ending: BadEnding; flows: Flow[] }>();
  for (const flow of ["incoming", "new", "reply"] as const) {
    for (const e of worse(b[flow], a[flow])) {
      const entry = byKey.get(endingKey(e)) ?? { ending: e, flows: [] };
      entry.flows.push(flow);
      byKey.set(endingKey(e), entry);
    }
  }
  return [...byKey.values()].map(({ ending, flows }) => sentence(ending, flows, afterEnds));
}
