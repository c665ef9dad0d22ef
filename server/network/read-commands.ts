import { badInput } from "../errors";
import { assertAbsPath } from "../names";
import type { HostReadStep } from "../ssh/host-reader";

// The read-only commands that learn a host's network. Every step is an argv array that
// changes nothing on the host: reading makes no plan and asks no confirmation, so a step
// here that mutates state (sysctl -w, iptables without -save, ip ... add) breaks that
// promise. Step ids are the keys network-model.ts expects; renaming one breaks assembly.

export interface NetworkReadStep extends HostReadStep {
  id: NetworkReadStepId;
  /** The host may lack this file or tool; a non-zero exit is "absent", not a failed read. */
  optional?: boolean;
  /** Needs root (or CAP_NET_ADMIN): a non-root SSH user gets a permission error here. */
  needsRoot?: boolean;
}

export type NetworkReadStepId =
  | "links"
  | "addresses"
  | "routes"
  | "rules"
  | "bridge-ports"
  | "iptables"
  | "ip-forward"
  | "rt-tables-etc"
  | "rt-tables-usr"
  | "rt-tables-labdeck"
  | "ssh-connection";

/**
 * iptables-save with every table at once rather than one call per table: one consistent
 * snapshot (no rule can change between the filter and nat reads), one round trip, and
 * tables the UI does not edit yet (raw, security) are kept rather than lost. `-c` adds
 * the [packets:bytes] counters the firewall page shows. The command chosen follows the
 * host's backend (iptables-legacy-save on a legacy host): rules written through one
 * backend are invisible to the other.
 */
export function iptablesSaveArgv(command: "iptables-save" | "iptables-legacy-save" | "iptables-nft-save" = "iptables-save"): string[] {
  return [command, "-c"];
}

/** Where Labdeck names routing tables (iproute2 also reads rt_tables.d/*.conf itself). */
export const RT_TABLES_FILE = "/etc/iproute2/rt_tables.d/labdeck.conf";

export function networkReadSteps(
  opts: { iptablesSave?: Parameters<typeof iptablesSaveArgv>[0]; rtTablesFile?: string } = {},
): NetworkReadStep[] {
  return [
    // -d adds linkinfo (kind, bridge timers, tun owner) without which a TAP looks physical.
    { id: "links", argv: ["ip", "-j", "-d", "link", "show"], purpose: "list interfaces with their kind and options" },
    { id: "addresses", argv: ["ip", "-j", "addr", "show"], purpose: "list interface addresses" },
    { id: "routes", argv: ["ip", "-j", "route", "show", "table", "all"], purpose: "list routes in every table" },
    { id: "rules", argv: ["ip", "-j", "rule", "show"], purpose: "list policy routing rules" },
    { id: "bridge-ports", argv: ["bridge", "-j", "link", "show"], purpose: "list bridge ports and their STP state" },
    {
      id: "iptables",
      argv: iptablesSaveArgv(opts.iptablesSave),
      purpose: "read every iptables table with counters",
      needsRoot: true,
    },
    // /proc rather than `sysctl`: sysctl lives in /sbin, often off a non-root user's PATH.
    { id: "ip-forward", argv: ["cat", "/proc/sys/net/ipv4/ip_forward"], purpose: "read whether IPv4 forwarding is on" },
    // Debian 13 moved the shipped table names to /usr/share; /etc keeps only local edits
    // and may be absent. Both are read and merged, /etc winning.
    { id: "rt-tables-etc", argv: ["cat", "/etc/iproute2/rt_tables"], purpose: "read routing table names", optional: true },
    {
      id: "rt-tables-labdeck",
      argv: ["cat", assertAbsPath("rtTablesFile", opts.rtTablesFile ?? RT_TABLES_FILE)],
      purpose: "read the routing table names Labdeck wrote",
      optional: true,
    },
    {
      id: "rt-tables-usr",
      argv: ["cat", "/usr/share/iproute2/rt_tables"],
      purpose: "read routing table names shipped by iproute2",
      optional: true,
    },
    {
      // A constant script, not built from input: sshd puts "client-ip client-port server-ip
      // server-port" of this very session in the environment, which is the only reliable
      // way to know which path Labdeck itself uses (ss would list every admin's session).
      id: "ssh-connection",
      argv: ["sh", "-c", 'printf "%s\\n" "$SSH_CONNECTION"'],
      purpose: "learn the address Labdeck's SSH session comes from",
    },
  ];
}

const IP_ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|[0-9A-Fa-f:]+)$/;

/**
 * Second phase, after "ssh-connection": the egress interface towards Labdeck's address is
 * the one whose change can cut the session. `from` the session's own local address
 * matters: policy rules select on the source, and without it the kernel routes as if from
 * 0.0.0.0 (a `not from 10.0.0.0/8 prohibit` rule then answers "Permission denied", seen
 * in the lab-nat fixture). Both addresses are checked to be plain IPs so nothing the host
 * printed can become an option or an extra argument.
 */
export function routeGetArgv(opts: { clientAddress: string; serverAddress: string }): string[] {
  if (!IP_ADDRESS.test(opts.clientAddress)) throw badInput("clientAddress", "not an IP address");
  if (!IP_ADDRESS.test(opts.serverAddress)) throw badInput("serverAddress", "not an IP address");
  return ["ip", "-j", "route", "get", opts.clientAddress, "from", opts.serverAddress];
}
