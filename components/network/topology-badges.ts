import { sameSubnet } from "@/lib/ipv4";
import type { THostNetwork, TNetIptablesRule, TNetRoute } from "./network-types";

// What the canvas writes on a link besides its addresses: source NAT and port forwards
// read from the nat table, and the routes that leave through the link. Derived from the
// structured rules (never from a rule's text) so a rule written by hand with its options
// in another order reads the same as one Labdeck wrote.

export interface NatRuleView {
  /** "192.168.2.0/24", or null for a rule without -s (everything leaving the link). */
  source: string | null;
  outInterface: string;
  /** null for MASQUERADE. */
  toSource: string | null;
}

export interface PortForwardView {
  protocol: string;
  hostPort: string;
  inInterface: string | null;
  hostAddress: string | null;
  toAddress: string;
  toPort: number | null;
}

function natChainRules(net: THostNetwork, chain: string): TNetIptablesRule[] {
  return net.iptables?.tables.find((t) => t.name === "nat")?.chains.find((c) => c.name === chain)?.rules ?? [];
}

function optionValue(rule: TNetIptablesRule, name: string): string | null {
  return rule.target?.options.find((o) => o.name === name)?.values[0] ?? null;
}

/** POSTROUTING MASQUERADE/SNAT with a plain `-o`: the link traffic is NATed out of. */
export function natRules(net: THostNetwork): NatRuleView[] {
  return natChainRules(net, "POSTROUTING").flatMap((r) => {
    const target = r.target?.name;
    if ((target !== "MASQUERADE" && target !== "SNAT") || !r.outInterface || r.outInterface.negated) return [];
    if (r.source?.negated) return [];
    return [
      {
        source: r.source?.value ?? null,
        outInterface: r.outInterface.value,
        toSource: target === "SNAT" ? optionValue(r, "--to-source") : null,
      },
    ];
  });
}

function destinationPort(rule: TNetIptablesRule): string | null {
  for (const m of rule.matches) {
    const o = m.options.find((opt) => opt.name === "--dport" || opt.name === "--destination-port");
    if (o && !o.negated && o.values[0] !== undefined) return o.values[0];
  }
  return null;
}

/** PREROUTING DNAT rules with a protocol and a destination port: "tcp 8022 -> 192.168.2.10:22". */
export function portForwards(net: THostNetwork): PortForwardView[] {
  return natChainRules(net, "PREROUTING").flatMap((r) => {
    if (r.target?.name !== "DNAT" || !r.protocol || r.protocol.negated) return [];
    const hostPort = destinationPort(r);
    const to = optionValue(r, "--to-destination");
    const m = to === null ? null : /^([\d.]+)(?::(\d+))?$/.exec(to);
    if (hostPort === null || !m || m[1] === undefined) return [];
    return [
      {
        protocol: r.protocol.value,
        hostPort,
        inInterface: r.inInterface && !r.inInterface.negated ? r.inInterface.value : null,
        hostAddress: r.destination && !r.destination.negated ? r.destination.value.replace(/\/32$/, "") : null,
        toAddress: m[1],
        toPort: m[2] === undefined ? null : Number(m[2]),
      },
    ];
  });
}

export function natBadgeText(n: { source: string | null; toSource: string | null }): string {
  return `NAT ${n.source ?? "all"}${n.toSource ? ` → ${n.toSource}` : ""}`;
}

export function portForwardText(p: { protocol: string; hostPort: string | number; toAddress: string; toPort: number | null }): string {
  return `${p.protocol} ${p.hostPort} → ${p.toAddress}${p.toPort === null ? "" : `:${p.toPort}`}`;
}

/** True when a NAT rule's source names the subnet of one of these addresses. */
export function natSourcesSubnet(n: NatRuleView, cidrs: readonly string[]): boolean {
  return n.source !== null && cidrs.some((c) => sameSubnet(c, n.source as string));
}

/**
 * The link a port forward is drawn on: its -i, else the link of the main default route
 * (where outside traffic arrives), else none.
 */
export function portForwardLink(net: THostNetwork, p: { inInterface: string | null }): string | null {
  if (p.inInterface) return p.inInterface;
  return net.routes.find((r) => r.table === "main" && r.dst === "default" && r.dev)?.dev ?? null;
}

/**
 * Routes worth a label on their link. Kernel-made routes (a subnet appearing because an
 * address was added) and the local table say nothing the addresses do not already say.
 */
export function routeLabel(r: TNetRoute): string | null {
  if (r.table === "local" || r.protocol === "kernel" || r.type !== "unicast") return null;
  const table = r.table === "main" ? "" : ` [table ${r.table}]`;
  const metric = r.metric === null ? "" : ` metric ${r.metric}`;
  return `${r.dst}${r.gateway ? ` via ${r.gateway}` : ""}${metric}${table}`;
}
