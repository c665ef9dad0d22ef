import { z } from "zod";
import { parseIpJson } from "../json-output";

// `ip -j addr show` -> addresses per interface name. Link-local IPv6 addresses are kept
// (the UI may hide them) because drift must compare what is really there.

export const ZAddress = z.object({
  family: z.enum(["inet", "inet6"]),
  address: z.string(),
  prefixLength: z.number().int(),
  /** "192.168.2.1/24": the form `ip addr add` takes and plans render. */
  cidr: z.string(),
  scope: z.string(),
  label: z.string().nullable(),
  broadcast: z.string().nullable(),
  peer: z.string().nullable(),
});
export type TAddress = z.infer<typeof ZAddress>;

const ZRaw = z.array(
  z.object({
    ifname: z.string(),
    addr_info: z
      .array(
        z.object({
          family: z.string(),
          local: z.string().optional(),
          prefixlen: z.number().optional(),
          scope: z.string().default("global"),
          label: z.string().optional(),
          broadcast: z.string().optional(),
          address: z.string().optional(),
        }),
      )
      .default([]),
  }),
);

export function parseAddresses(stdout: string): Map<string, TAddress[]> {
  const out = new Map<string, TAddress[]>();
  for (const iface of ZRaw.parse(parseIpJson("ip addr", stdout))) {
    const list: TAddress[] = [];
    for (const a of iface.addr_info) {
      // Other families (e.g. a bare "link" entry) carry no IP address to manage.
      if ((a.family !== "inet" && a.family !== "inet6") || a.local === undefined || a.prefixlen === undefined) continue;
      list.push({
        family: a.family,
        address: a.local,
        prefixLength: a.prefixlen,
        cidr: `${a.local}/${a.prefixlen}`,
        scope: a.scope,
        label: a.label ?? null,
        broadcast: a.broadcast ?? null,
        // Point-to-point links print the remote end as "address" next to "local".
        peer: a.address ?? null,
      });
    }
    out.set(iface.ifname, list);
  }
  return out;
}
