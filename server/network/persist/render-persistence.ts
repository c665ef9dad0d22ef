import type { THostNetwork } from "../network-model";
import { renderInterfaces } from "./render-interfaces";
import { renderRulesV4 } from "./render-rules-v4";
import { renderRtTables, renderSysctl } from "./render-small-files";

// What a Debian host needs on disk to come back after a reboot as the team left it: the
// files, never the commands that write them (persistence-steps.ts does that). Rendered
// from a THostNetwork read back after the change, so the files hold what the kernel
// really has, not what the request asked for.

export interface PersistFile {
  /** Absolute path on the host, before the persistence root is prepended. */
  path: string;
  content: string;
  purpose: string;
  /** Octal permission bits such as "0644"; unset keeps what the write produces. */
  mode?: string;
}

export const PERSIST_PATHS = {
  interfaces: "/etc/network/interfaces.d/labdeck",
  rulesV4: "/etc/iptables/rules.v4",
  rtTables: "/etc/iproute2/rt_tables.d/labdeck.conf",
  sysctl: "/etc/sysctl.d/90-labdeck.conf",
} as const;

export function renderPersistence(net: THostNetwork, opts: { exclude?: ReadonlySet<string> } = {}): PersistFile[] {
  const files: PersistFile[] = [
    {
      path: PERSIST_PATHS.interfaces,
      content: renderInterfaces(net, opts.exclude ?? new Set()),
      purpose: "bridges, TAPs, their addresses, routes and policy rules (ifupdown)",
      mode: "0644",
    },
    { path: PERSIST_PATHS.rtTables, content: renderRtTables(net), purpose: "routing table names", mode: "0644" },
    { path: PERSIST_PATHS.sysctl, content: renderSysctl(net), purpose: "IPv4 forwarding", mode: "0644" },
  ];
  // Unknown firewall (iptables-save could not run): writing an empty rules.v4 would wipe
  // the host's firewall at the next boot, so the file is left as it is.
  if (net.iptables !== null) {
    files.push({
      path: PERSIST_PATHS.rulesV4,
      content: renderRulesV4(net.iptables),
      purpose: "iptables filter, nat and mangle rules (netfilter-persistent)",
      mode: "0640",
    });
  }
  return files;
}
