import type { TRuleSpec } from "../ops";

// Spec -> line pairs checked on a real host: each rule was added with `iptables -A` (the
// line's own tokens) inside a lab host and the line below is what `iptables-save`
// (1.8.9, nft backend) printed back for it. rule-spec.test.ts holds the renderer to
// these lines; network-plan.integration.test.ts replays them on a fresh lab host so a
// different iptables version shows up as a failing test, not as plans that never
// settle. Chains: LABX is a user chain the test creates first.

export interface RuleSpecCase {
  table: "filter" | "nat";
  chain: string;
  spec: TRuleSpec;
  line: string;
}

export const RULE_SPEC_CASES: RuleSpecCase[] = [
  {
    table: "filter",
    chain: "FORWARD",
    spec: { source: "10.1.2.3", target: { kind: "ACCEPT" } },
    line: "-A FORWARD -s 10.1.2.3/32 -j ACCEPT",
  },
  {
    table: "filter",
    chain: "FORWARD",
    spec: {
      source: "10.1.2.5/24",
      sourceNegated: true,
      destination: "10.9.0.0/16",
      destinationNegated: true,
      inInterface: "br0",
      outInterface: "eth0",
      protocol: "tcp",
      sourcePort: { from: 1000, to: 2000 },
      destinationPort: 22,
      ctstate: ["ESTABLISHED", "NEW", "DNAT", "INVALID", "RELATED", "UNTRACKED", "SNAT"],
      comment: "hello world",
      target: { kind: "ACCEPT" },
    },
    line: '-A FORWARD ! -s 10.1.2.0/24 ! -d 10.9.0.0/16 -i br0 -o eth0 -p tcp -m tcp --sport 1000:2000 --dport 22 -m conntrack --ctstate INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED,SNAT,DNAT -m comment --comment "hello world" -j ACCEPT',
  },
  {
    table: "filter",
    chain: "FORWARD",
    spec: { protocol: "udp", destinationPort: 53, target: { kind: "DROP" } },
    line: "-A FORWARD -p udp -m udp --dport 53 -j DROP",
  },
  {
    table: "filter",
    chain: "FORWARD",
    spec: { protocol: "udp", sourcePort: { from: 100, to: 200 }, destinationPort: { from: 53, to: 53 }, target: { kind: "ACCEPT" } },
    line: "-A FORWARD -p udp -m udp --sport 100:200 --dport 53 -j ACCEPT",
  },
  { table: "filter", chain: "FORWARD", spec: { protocol: "icmp", target: { kind: "ACCEPT" } }, line: "-A FORWARD -p icmp -j ACCEPT" },
  { table: "filter", chain: "FORWARD", spec: { protocol: "all", target: { kind: "ACCEPT" } }, line: "-A FORWARD -j ACCEPT" },
  {
    table: "filter",
    chain: "FORWARD",
    spec: { inInterface: "tap+", target: { kind: "LOG", prefix: "lab: ", level: "warning" } },
    line: '-A FORWARD -i tap+ -j LOG --log-prefix "lab: "',
  },
  {
    table: "filter",
    chain: "FORWARD",
    spec: { target: { kind: "LOG", prefix: "x", level: "info" } },
    line: "-A FORWARD -j LOG --log-prefix x --log-level 6",
  },
  { table: "filter", chain: "FORWARD", spec: { target: { kind: "LOG", level: "emerg" } }, line: "-A FORWARD -j LOG --log-level 0" },
  { table: "filter", chain: "FORWARD", spec: { target: { kind: "LOG" } }, line: "-A FORWARD -j LOG" },
  {
    table: "filter",
    chain: "FORWARD",
    spec: { target: { kind: "REJECT" } },
    line: "-A FORWARD -j REJECT --reject-with icmp-port-unreachable",
  },
  {
    table: "filter",
    chain: "FORWARD",
    spec: { protocol: "tcp", target: { kind: "REJECT", with: "tcp-reset" } },
    line: "-A FORWARD -p tcp -j REJECT --reject-with tcp-reset",
  },
  {
    table: "filter",
    chain: "FORWARD",
    spec: { target: { kind: "REJECT", with: "icmp-admin-prohibited" } },
    line: "-A FORWARD -j REJECT --reject-with icmp-admin-prohibited",
  },
  { table: "filter", chain: "FORWARD", spec: { target: { kind: "chain", chain: "LABX" } }, line: "-A FORWARD -j LABX" },
  { table: "filter", chain: "FORWARD", spec: { target: { kind: "chain", chain: "LABX", goto: true } }, line: "-A FORWARD -g LABX" },
  { table: "filter", chain: "LABX", spec: { target: { kind: "RETURN" } }, line: "-A LABX -j RETURN" },
  {
    table: "filter",
    chain: "FORWARD",
    spec: { comment: "a-b_c", target: { kind: "DROP" } },
    line: "-A FORWARD -m comment --comment a-b_c -j DROP",
  },
  {
    table: "filter",
    chain: "FORWARD",
    spec: { comment: "it's", target: { kind: "ACCEPT" } },
    line: '-A FORWARD -m comment --comment "it\\\'s" -j ACCEPT',
  },
  {
    table: "filter",
    chain: "FORWARD",
    spec: { comment: "", target: { kind: "ACCEPT" } },
    line: '-A FORWARD -m comment --comment "" -j ACCEPT',
  },
  {
    table: "nat",
    chain: "POSTROUTING",
    spec: {
      source: "192.168.5.0/24",
      outInterface: "eth0",
      comment: "labdeck nat 192.168.5.0/24 via eth0",
      target: { kind: "MASQUERADE" },
    },
    line: '-A POSTROUTING -s 192.168.5.0/24 -o eth0 -m comment --comment "labdeck nat 192.168.5.0/24 via eth0" -j MASQUERADE',
  },
  {
    table: "nat",
    chain: "POSTROUTING",
    spec: { source: "192.168.5.0/24", outInterface: "eth0", target: { kind: "SNAT", toSource: "10.203.0.2" } },
    line: "-A POSTROUTING -s 192.168.5.0/24 -o eth0 -j SNAT --to-source 10.203.0.2",
  },
  {
    table: "nat",
    chain: "PREROUTING",
    spec: {
      destination: "10.203.0.2",
      inInterface: "eth0",
      protocol: "tcp",
      destinationPort: 8080,
      comment: "labdeck portforward tcp 8080 -> 192.168.5.10:80",
      target: { kind: "DNAT", toDestination: "192.168.5.10", toPort: 80 },
    },
    line: '-A PREROUTING -d 10.203.0.2/32 -i eth0 -p tcp -m tcp --dport 8080 -m comment --comment "labdeck portforward tcp 8080 -> 192.168.5.10:80" -j DNAT --to-destination 192.168.5.10:80',
  },
  {
    table: "nat",
    chain: "PREROUTING",
    spec: { protocol: "udp", destinationPort: 53, target: { kind: "DNAT", toDestination: "192.168.5.10" } },
    line: "-A PREROUTING -p udp -m udp --dport 53 -j DNAT --to-destination 192.168.5.10",
  },
  {
    table: "filter",
    chain: "FORWARD",
    spec: {
      destination: "192.168.5.10",
      protocol: "tcp",
      destinationPort: 80,
      ctstate: ["NEW", "ESTABLISHED", "RELATED"],
      comment: "labdeck portforward tcp 8080 -> 192.168.5.10:80",
      target: { kind: "ACCEPT" },
    },
    line: '-A FORWARD -d 192.168.5.10/32 -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW,RELATED,ESTABLISHED -m comment --comment "labdeck portforward tcp 8080 -> 192.168.5.10:80" -j ACCEPT',
  },
];
