import type { TNetOp, TRuleSpec } from "../ops";
import { iptablesPrefix } from "../../../lib/ipv4";

// The rule sets behind the NAT and port-forward ops: each recipe is a group of rules
// created together and removed together, tagged with a comment so the recipe can be
// recognised on the host by a person reading `iptables-save` and by the next plan.
// FORWARD accepts go to the top of the chain: appended, they would sit behind whatever
// DROP or REJECT a host already ends its FORWARD chain with and never match.

export interface RecipeRule {
  table: "filter" | "nat";
  chain: string;
  spec: TRuleSpec;
  /** "top": inserted before the chain's other rules when missing; "end": appended. */
  place: "top" | "end";
}

type NatOp = Extract<TNetOp, { op: "nat.add" | "nat.remove" }>;
type ForwardOp = Extract<TNetOp, { op: "portforward.add" | "portforward.remove" }>;

export function natRecipe(op: NatOp): RecipeRule[] {
  const source = iptablesPrefix(op.source);
  const comment = `labdeck nat ${source} via ${op.outInterface}`;
  return [
    {
      table: "nat",
      chain: "POSTROUTING",
      place: "end",
      spec: {
        source,
        outInterface: op.outInterface,
        comment,
        target: op.toSource ? { kind: "SNAT", toSource: op.toSource } : { kind: "MASQUERADE" },
      },
    },
    {
      table: "filter",
      chain: "FORWARD",
      place: "top",
      spec: { source, outInterface: op.outInterface, comment, target: { kind: "ACCEPT" } },
    },
    {
      table: "filter",
      chain: "FORWARD",
      place: "top",
      spec: { destination: source, inInterface: op.outInterface, ctstate: ["RELATED", "ESTABLISHED"], comment, target: { kind: "ACCEPT" } },
    },
  ];
}

export function portForwardRecipe(op: ForwardOp): RecipeRule[] {
  const comment = `labdeck portforward ${op.protocol} ${op.hostPort} -> ${op.toAddress}:${op.toPort}`;
  return [
    {
      table: "nat",
      chain: "PREROUTING",
      place: "end",
      spec: {
        ...(op.hostAddress ? { destination: op.hostAddress } : {}),
        ...(op.inInterface ? { inInterface: op.inInterface } : {}),
        protocol: op.protocol,
        destinationPort: op.hostPort,
        comment,
        target: { kind: "DNAT", toDestination: op.toAddress, toPort: op.toPort },
      },
    },
    {
      table: "filter",
      chain: "FORWARD",
      place: "top",
      spec: {
        destination: op.toAddress,
        protocol: op.protocol,
        destinationPort: op.toPort,
        ctstate: ["NEW", "ESTABLISHED", "RELATED"],
        comment,
        target: { kind: "ACCEPT" },
      },
    },
  ];
}
