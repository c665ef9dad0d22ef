// The fixed vocabularies of a firewall rule, as the network editor offers them and the
// server's op schema (server/network/ops.ts) accepts them: one list each, so the form
// never offers a value the server refuses.

/** The tables Labdeck edits (raw and security are shown, never changed). */
export const IPTABLES_TABLES = ["filter", "nat", "mangle"] as const;
export const CTSTATES = ["NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED", "DNAT", "SNAT"] as const;
export const LOG_LEVELS = ["emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"] as const;
export const REJECT_WITH = [
  "icmp-port-unreachable",
  "icmp-host-unreachable",
  "icmp-net-unreachable",
  "icmp-admin-prohibited",
  "tcp-reset",
] as const;
