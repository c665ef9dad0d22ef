import { z } from "zod";
import { parseIpJson } from "../json-output";

// `bridge -j link show` -> one entry per bridge port. This is where a port's STP state
// lives (`ip link` only says who the master is): "disabled" for a port that is down,
// "listening"/"learning" during forward delay, then "forwarding" or "blocking".

export const ZBridgePort = z.object({
  name: z.string(),
  ifindex: z.number().int(),
  bridge: z.string(),
  stpState: z.string(),
  priority: z.number().int().nullable(),
  cost: z.number().int().nullable(),
});
export type TBridgePort = z.infer<typeof ZBridgePort>;

const ZRaw = z.array(
  z.object({
    ifindex: z.number(),
    ifname: z.string(),
    master: z.string().optional(),
    state: z.string().default("unknown"),
    priority: z.number().optional(),
    cost: z.number().optional(),
  }),
);

export function parseBridgePorts(stdout: string): TBridgePort[] {
  const ports: TBridgePort[] = [];
  for (const p of ZRaw.parse(parseIpJson("bridge link", stdout))) {
    // Without a master the entry is the bridge itself (printed on some versions): not a port.
    if (p.master === undefined) continue;
    ports.push({
      name: p.ifname,
      ifindex: p.ifindex,
      bridge: p.master,
      stpState: p.state,
      priority: p.priority ?? null,
      cost: p.cost ?? null,
    });
  }
  return ports;
}
