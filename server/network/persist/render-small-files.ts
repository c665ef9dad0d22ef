import type { THostNetwork } from "../network-model";
import { TABLE_NAME } from "../../../lib/names";

// The two one-line-per-setting files: forwarding for systemd-sysctl, table names for ip.

/** Always written, 0 included: a file left from an earlier "1" would otherwise keep forwarding on. */
export function renderSysctl(net: THostNetwork): string {
  return (
    [
      "# Written by Labdeck: IPv4 forwarding as the team applied it (guests reach the outside through this host).",
      `net.ipv4.ip_forward = ${net.ipForward ? 1 : 0}`,
    ].join("\n") + "\n"
  );
}

/** Ids iproute2 knows without any file; writing them again would only shadow the shipped names. */
const BUILTIN_TABLE_IDS: ReadonlySet<number> = new Set([0, 253, 254, 255]);

export function renderRtTables(net: THostNetwork): string {
  const lines = ["# Written by Labdeck: routing table names used on this host (ip reads rt_tables.d/*.conf)."];
  const seen = new Set<string>();
  for (const t of [...net.rtTables].sort((a, b) => a.id - b.id)) {
    if (BUILTIN_TABLE_IDS.has(t.id) || seen.has(t.name)) continue;
    seen.add(t.name);
    if (!TABLE_NAME.test(t.name) || !Number.isSafeInteger(t.id) || t.id < 1 || t.id > 0xffffffff) {
      lines.push(`# table ${t.id} ${JSON.stringify(t.name)} skipped: not a plain name`);
    } else lines.push(`${t.id}\t${t.name}`);
  }
  return lines.join("\n") + "\n";
}
