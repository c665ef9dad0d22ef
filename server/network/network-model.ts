import { z } from "zod";
import { LabdeckError } from "../errors";
import { ZAddress, parseAddresses } from "./parse-addresses";
import { ZBridgePort, parseBridgePorts } from "./parse-bridge-ports";
import { ZIptables, parseIptablesSave } from "./parse-iptables-save";
import { ZBridgeOptions, ZLink, ZTunOptions, parseLinks } from "./parse-links";
import { ZRoute, parseRoutes } from "./parse-routes";
import { mergeRtTables } from "./parse-rt-tables";
import { ZRoutingRule, parseRules } from "./parse-rules";
import { parseSshConnection, parseSysctlBool } from "./parse-sysctl";
import type { NetworkReadStepId } from "./read-commands";

// Assembles one THostNetwork from the outputs of read-commands.ts. This is what the
// topology page draws and what drift compares against the recorded topology, so it is
// validated with zod on the way out: a parser change that breaks the shape fails here,
// in tests, not in the browser. sshInterface may be null (not learned) but is never
// guessed: the write side refuses SSH-path changes based on it.

export const ZNetworkLink = ZLink.extend({ addresses: z.array(ZAddress) });
export type TNetworkLink = z.infer<typeof ZNetworkLink>;

export const ZHostNetwork = z.object({
  links: z.array(ZNetworkLink),
  bridges: z.array(z.object({ name: z.string(), options: ZBridgeOptions, ports: z.array(ZBridgePort) })),
  taps: z.array(z.object({ name: z.string(), options: ZTunOptions, bridge: z.string().nullable() })),
  routes: z.array(ZRoute),
  /** Routes grouped by table as printed ("main", "local", "100", a name from rt_tables). */
  routesByTable: z.record(z.string(), z.array(ZRoute)),
  rules: z.array(ZRoutingRule),
  rtTables: z.array(z.object({ id: z.number().int(), name: z.string() })),
  /** null when iptables-save could not run (not root, tool missing). */
  iptables: ZIptables.nullable(),
  ipForward: z.boolean(),
  ssh: z
    .object({
      clientAddress: z.string(),
      serverAddress: z.string(),
      serverPort: z.number().int(),
      /** The egress interface towards Labdeck: changing it can cut the session. */
      interface: z.string().nullable(),
    })
    .nullable(),
});
export type THostNetwork = z.infer<typeof ZHostNetwork>;

/** stdout per step id; null for an optional step that failed (file absent). */
export type NetworkReadOutputs = Partial<Record<NetworkReadStepId, string | null>> & { "route-get"?: string | null };

function required(outputs: NetworkReadOutputs, id: NetworkReadStepId): string {
  const v = outputs[id];
  if (typeof v !== "string") throw new LabdeckError("INTERNAL", `network read: no output from step ${id}`);
  return v;
}

function routeGetDev(stdout: string | null | undefined): string | null {
  if (!stdout) return null;
  try {
    const parsed = z.array(z.object({ dev: z.string().optional() })).parse(JSON.parse(stdout));
    return parsed[0]?.dev ?? null;
  } catch {
    return null;
  }
}

export function buildHostNetwork(outputs: NetworkReadOutputs): THostNetwork {
  const tableNames = mergeRtTables(
    outputs["rt-tables-labdeck"] ?? null,
    outputs["rt-tables-etc"] ?? null,
    outputs["rt-tables-usr"] ?? null,
  );
  const links = parseLinks(required(outputs, "links"));
  const addresses = parseAddresses(required(outputs, "addresses"));
  const ports = outputs["bridge-ports"] ? parseBridgePorts(outputs["bridge-ports"]) : [];
  const routes = parseRoutes(required(outputs, "routes"), tableNames);
  const routesByTable: Record<string, z.infer<typeof ZRoute>[]> = {};
  for (const r of routes) (routesByTable[r.table] ??= []).push(r);
  const ssh = parseSshConnection(outputs["ssh-connection"] ?? "");
  return ZHostNetwork.parse({
    links: links.map((l) => ({ ...l, addresses: addresses.get(l.name) ?? [] })),
    bridges: links.flatMap((l) => (l.bridge ? [{ name: l.name, options: l.bridge, ports: ports.filter((p) => p.bridge === l.name) }] : [])),
    taps: links.flatMap((l) => (l.tun ? [{ name: l.name, options: l.tun, bridge: l.master }] : [])),
    routes,
    routesByTable,
    rules: parseRules(required(outputs, "rules"), tableNames),
    rtTables: [...tableNames].map(([name, id]) => ({ id, name })),
    iptables: typeof outputs.iptables === "string" ? parseIptablesSave(outputs.iptables) : null,
    ipForward: parseSysctlBool("net.ipv4.ip_forward", required(outputs, "ip-forward")),
    ssh: ssh
      ? {
          clientAddress: ssh.clientAddress,
          serverAddress: ssh.serverAddress,
          serverPort: ssh.serverPort,
          interface: routeGetDev(outputs["route-get"]),
        }
      : null,
  });
}
