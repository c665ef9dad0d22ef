import type { THostNetwork } from "../network-model";
import { diffLinks } from "./diff-links";
import { chainDiffItems, diffIptables } from "./diff-iptables";
import { diffRouting } from "./diff-routing";
import type { DiffOptions, TypedDriftItem } from "./types";

// Drift: how the host's network differs from the topology the team applied. Pure and
// symmetric in what it reads; diffNetworks(x, x) is empty for any x, which is what lets
// the UI say "no drift" without a tolerance list. Items come grouped: links, ports and
// addresses, then routing, then the firewall.

export function diffNetworks(recorded: THostNetwork, actual: THostNetwork, opts: DiffOptions = {}): TypedDriftItem[] {
  const ignore = opts.ignoreLinks ?? new Set<string>();
  const links = diffLinks(recorded, actual, ignore);
  return [
    ...links.items,
    ...diffRouting(recorded, actual, ignore, links.hostOnly),
    ...diffIptables(recorded.iptables, actual.iptables).flatMap(chainDiffItems),
  ];
}
