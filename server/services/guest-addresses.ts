import { mapLimit, READ_PARALLELISM } from "../concurrency";
import type { GuestNic, KindAddresses, UserForward } from "../hypervisors/contract";
import { readableDefinitionOf, type AnyHypervisor, type GuestDefinition } from "../hypervisors/registry";
import { neighShowArgv, parseNeigh, type NeighEntry } from "../network/parse-neigh";
import { readFromHost, withHostRead, type ReadDeps } from "./host-read";
import { hostTarget } from "./host-target";
import { requireConfirmedHostKey } from "./host-identity";
import { guestIoOf } from "./guest-host";

// The addresses a host's running guests have, as learned from outside the guest (nothing is
// installed in it): for a TAP NIC, the host's neighbour table on the NIC's bridge, matched
// by the NIC's MAC; for a user-mode NIC, what the guest's kind knows (QEMU: slirp's table,
// `info usernet` over QMP: where each forward lands, where the guest's connections come
// from). A guest whose kind says it is not running gets nothing, so a stale neighbour
// entry of a stopped guest is never shown as its address.
// What must not break: every command goes through readFromHost (audited as one row inside
// withHostRead, or collected by the shared background refresh), and the QMP calls join
// that row; nothing read here is more than text shown on a page.

export interface LearnedAddress {
  address: string;
  family: "inet" | "inet6";
  /** "neighbour": the host heard this address from the NIC's MAC on its bridge; "slirp": QEMU's user-mode stack. */
  how: "neighbour" | "slirp";
  /** "REACHABLE on br0", "forward target", "guest connection". */
  detail: string;
}

export interface LearnedNic {
  index: number;
  addresses: LearnedAddress[];
  /** User-mode NICs: the forwards QEMU really has (host end → guest end). */
  forwards: UserForward[];
}

export interface LearnedGuest {
  /** Whether the guest's monitor answered (running or paused). */
  running: boolean;
  nics: LearnedNic[];
  /** Why nothing could be learned (the monitor failed in a way other than "not running"). */
  problem: string | null;
}

export interface HostLearnedAddresses {
  hostId: string;
  /** The server's clock when the read ended: the page says "learned 30 s ago" against it. */
  at: number;
  guests: Record<string, LearnedGuest>;
}

/** A lab host has dozens of guests: beyond this many the rest are not asked about in one read. */
export const MAX_GUESTS_PER_READ = 200;
const MAX_BRIDGES_PER_READ = 32;

interface GuestRow {
  id: string;
  name: string;
  hv: AnyHypervisor;
  def: GuestDefinition;
  nics: readonly GuestNic[];
}

function guestRows(rows: { id: string; name: string; hypervisor: string; definitionJson: string }[]): GuestRow[] {
  return rows.flatMap((r) => {
    // A row no version could have written, or of a kind not run here: nothing to learn for it.
    const read = readableDefinitionOf(r);
    const nics = read ? read.hv.definition.nics(read.def) : [];
    return read && nics.length > 0 ? [{ id: r.id, name: r.name, hv: read.hv, def: read.def, nics }] : [];
  });
}

/** The learned addresses of every guest with a NIC on the host, without writing an audit row itself. */
export async function readHostAddresses(deps: ReadDeps, hostId: string): Promise<HostLearnedAddresses> {
  const host = await deps.db.host.findUniqueOrThrow({
    where: { id: hostId },
    select: { id: true, name: true, runDir: true, hostKeyFingerprint: true },
  });
  const guests = guestRows(
    await deps.db.guest.findMany({
      where: { hostId },
      select: { id: true, name: true, hypervisor: true, definitionJson: true },
      orderBy: { name: "asc" },
      take: MAX_GUESTS_PER_READ,
    }),
  );
  if (guests.length === 0) return { hostId, at: Date.now(), guests: {} };
  requireConfirmedHostKey(host);
  const target = await hostTarget(deps.db, deps.secret, hostId);
  const io = guestIoOf(deps, hostId, target);
  const kinds = await mapLimit(guests, READ_PARALLELISM, (g) => g.hv.readAddresses(io, g.def, g.hv.files(host.runDir, g.name)));
  const bridges = [
    ...new Set(guests.flatMap((g, i) => (kinds[i]?.running ? g.nics.flatMap((n) => (n.bridge !== null ? [n.bridge] : [])) : []))),
  ].slice(0, MAX_BRIDGES_PER_READ);
  const neighbours = new Map<string, NeighEntry[]>();
  await mapLimit(bridges, READ_PARALLELISM, async (bridge) => {
    // A bridge that is gone (deleted from the network page) has no neighbours: not a failure.
    const r = await readFromHost(deps, hostId, neighShowArgv(bridge), { purpose: `addresses seen on ${bridge}`, optional: true });
    neighbours.set(bridge, r.outcome === "exited" && r.exitStatus === 0 && !r.truncated ? parseNeigh(r.stdout) : []);
  });
  const out: Record<string, LearnedGuest> = {};
  guests.forEach((g, i) => {
    const k = kinds[i];
    if (k === undefined || !k.running) {
      out[g.id] = { running: false, nics: [], problem: k?.problem ?? null };
      return;
    }
    out[g.id] = { running: true, problem: null, nics: g.nics.map((n) => learnedNic(n, neighbours, k)) };
  });
  return { hostId, at: Date.now(), guests: out };
}

function learnedNic(nic: GuestNic, neighbours: Map<string, NeighEntry[]>, kind: KindAddresses): LearnedNic {
  if (nic.bridge !== null) {
    const bridge = nic.bridge;
    const mac = nic.mac?.toLowerCase();
    const seen = mac === undefined ? [] : (neighbours.get(bridge) ?? []).filter((e) => e.mac === mac);
    return {
      index: nic.index,
      forwards: [],
      addresses: seen
        .slice(0, 16)
        .map((e) => ({ address: e.address, family: e.family, how: "neighbour", detail: `${e.state} on ${bridge}` })),
    };
  }
  const user = kind.userNics.get(nic.index);
  return {
    index: nic.index,
    forwards: user?.forwards ?? [],
    addresses: (user?.addresses ?? []).map((a) => ({ address: a.address, family: "inet", how: "slirp", detail: a.detail })),
  };
}

/** A person's read of the host's learned guest addresses (the list opened): one audit row. */
export function readGuestAddresses(deps: ReadDeps, hostId: string): Promise<HostLearnedAddresses> {
  return withHostRead(deps, { hostId, action: "guest.addresses" }, (d) => readHostAddresses(d, hostId));
}
