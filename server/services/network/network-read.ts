import { definitionOf } from "../../hypervisors/registry";
import { ZHostNetwork, type THostNetwork } from "../../network/network-model";
import { readNetwork } from "../../network/read-network";
import { RT_TABLES_FILE } from "../../network/read-commands";
import { underRoot } from "../../network/persist/persistence-steps";
import { readFromHost, withHostRead } from "../host-read";
import type { NetworkDeps } from "./network-deps";
import { requireConfirmedHostKey } from "../host-identity";

// The host's network as it is now (one audited read row, or part of the caller's) and the inventory facts drawn
// beside it: which guest NIC uses which TAP on which bridge. Guests' TAPs come and go with
// the guests, so drift and persistence leave them out (guestTaps).

export async function readLiveNetwork(deps: Pick<NetworkDeps, "db" | "ssh" | "secret" | "actor">, hostId: string): Promise<THostNetwork> {
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: hostId } });
  requireConfirmedHostKey(host, { hint: true });
  return withHostRead(deps, { hostId, action: "network.read" }, (d) =>
    readNetwork((s) => readFromHost(d, hostId, s.argv, { purpose: s.purpose, optional: s.optional === true }), {
      rtTablesFile: rtTablesFileFor(host),
    }),
  );
}

/** Labdeck's routing table names live under the host's persistence root ("/" on a real host). */
export function rtTablesFileFor(host: { configRoot: string }): string {
  return underRoot(host.configRoot, RT_TABLES_FILE);
}

export interface GuestNicView {
  index: number;
  model: string;
  kind: "user" | "tap";
  bridge: string | null;
  /** The TAP this NIC uses while the guest runs (its ifname, or named by tapNameFor). */
  tap: string | null;
}

export interface GuestNetworkView {
  id: string;
  name: string;
  version: number;
  /** Read from the host: one of its TAPs exists (a stopped guest has none). */
  running: boolean;
  nics: GuestNicView[];
}

export async function guestNetworkViews(db: NetworkDeps["db"], hostId: string, net: THostNetwork | null): Promise<GuestNetworkView[]> {
  const guests = await db.guest.findMany({ where: { hostId }, orderBy: { name: "asc" } });
  const links = new Set(net?.links.map((l) => l.name) ?? []);
  return guests.map((g) => {
    const { hv, def } = definitionOf(g);
    const nics: GuestNicView[] = hv.definition
      .nics(def)
      .map((n) => ({ index: n.index, model: n.model, kind: n.kind, bridge: n.bridge, tap: n.tap }));
    return { id: g.id, name: g.name, version: g.version, running: nics.some((n) => n.tap !== null && links.has(n.tap)), nics };
  });
}

export function guestTaps(guests: readonly GuestNetworkView[]): Set<string> {
  return new Set(guests.flatMap((g) => g.nics.flatMap((n) => (n.tap ? [n.tap] : []))));
}

export function parseRecordedNetwork(json: string): THostNetwork {
  return ZHostNetwork.parse(JSON.parse(json));
}
