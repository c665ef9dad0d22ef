import { mapLimit, READ_PARALLELISM } from "../concurrency";
import { LabdeckError } from "../errors";
import { guestRunFiles, ZGuestDefinition, type TGuestDefinition } from "../hypervisors/qemu/guest-definition";
import { connectQmp } from "../hypervisors/qemu/qmp";
import { INFO_USERNET, parseUsernet, usernetNic, type UsernetForward } from "../hypervisors/qemu/usernet";
import { qmpArgv } from "../jobs/plan";
import { neighShowArgv, parseNeigh, type NeighEntry } from "../network/parse-neigh";
import type { SshTarget } from "../ssh/types";
import { noteChannelRead, readFromHost, withHostRead, type ReadDeps } from "./host-read";
import { hostTarget } from "./host-target";
import { requireConfirmedHostKey } from "./host-identity";

// The addresses a host's running guests have, as learned from outside the guest (nothing is
// installed in it): for a TAP NIC, the host's neighbour table on the NIC's bridge, matched
// by the NIC's MAC; for a user-mode NIC, QEMU's own slirp table (`info usernet` over QMP),
// which holds where each forward lands and the address the guest's connections come from.
// A guest whose monitor does not answer is not running: nothing is learned for it, so a
// stale neighbour entry of a stopped guest is never shown as its address.
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
  forwards: UsernetForward[];
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

const QMP_TIMEOUT_MS = 3000;
/** A lab host has dozens of guests: beyond this many the rest are not asked about in one read. */
export const MAX_GUESTS_PER_READ = 200;
const MAX_BRIDGES_PER_READ = 32;

interface GuestRow {
  id: string;
  name: string;
  def: TGuestDefinition;
}

type Monitor = { running: false; problem: string | null } | { running: true; usernet: string | null };

async function askMonitor(deps: ReadDeps, hostId: string, target: SshTarget, socket: string, wantUsernet: boolean): Promise<Monitor> {
  const started = Date.now();
  let stream;
  try {
    stream = await deps.ssh.openStreamLocal(target, socket);
  } catch (err) {
    if (err instanceof LabdeckError && err.code === "NOT_FOUND") return { running: false, problem: null };
    throw err;
  }
  // A TAP-only guest is only asked whether it runs (like the pages' state polling, not noted).
  const execute = wantUsernet ? INFO_USERNET.execute : "query-status";
  const args = wantUsernet ? { ...INFO_USERNET.arguments } : undefined;
  const argv = qmpArgv({ socket, execute, ...(args ? { arguments: args } : {}) });
  try {
    const client = await connectQmp(stream, { timeoutMs: QMP_TIMEOUT_MS });
    try {
      const ret = await client.execute<unknown>(execute, args, { timeoutMs: QMP_TIMEOUT_MS });
      const text = wantUsernet ? (typeof ret === "string" ? ret : null) : null;
      if (wantUsernet)
        noteChannelRead(deps, hostId, {
          argv,
          exitStatus: text === null ? 1 : 0,
          outcome: text === null ? "failed" : "ok",
          durationMs: Date.now() - started,
          output: text ?? "",
        });
      if (wantUsernet && text === null) return { running: false, problem: "QEMU answered info usernet with something that is not text" };
      return { running: true, usernet: text };
    } finally {
      client.close();
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (wantUsernet)
      noteChannelRead(deps, hostId, {
        argv,
        exitStatus: null,
        outcome: "failed",
        durationMs: Date.now() - started,
        output: "",
        note: message,
      });
    return { running: false, problem: `the monitor did not answer: ${message}` };
  }
}

function guestRows(rows: { id: string; name: string; definitionJson: string }[]): GuestRow[] {
  return rows.flatMap((r) => {
    let json: unknown;
    try {
      json = JSON.parse(r.definitionJson);
    } catch {
      return []; // a row no version could have written: nothing to learn for it
    }
    const def = ZGuestDefinition.safeParse(json);
    return def.success && def.data.nics.length > 0 ? [{ id: r.id, name: r.name, def: def.data }] : [];
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
      select: { id: true, name: true, definitionJson: true },
      orderBy: { name: "asc" },
      take: MAX_GUESTS_PER_READ,
    }),
  );
  if (guests.length === 0) return { hostId, at: Date.now(), guests: {} };
  requireConfirmedHostKey(host);
  const target = await hostTarget(deps.db, deps.secret, hostId);
  const monitors = await mapLimit(guests, READ_PARALLELISM, (g) =>
    askMonitor(
      deps,
      hostId,
      target,
      guestRunFiles(host.runDir, g.name).qmpSocket,
      g.def.nics.some((n) => n.network.kind === "user"),
    ),
  );
  const bridges = [
    ...new Set(
      guests.flatMap((g, i) =>
        monitors[i]?.running ? g.def.nics.flatMap((n) => (n.network.kind === "tap" ? [n.network.bridge] : [])) : [],
      ),
    ),
  ].slice(0, MAX_BRIDGES_PER_READ);
  const neighbours = new Map<string, NeighEntry[]>();
  await mapLimit(bridges, READ_PARALLELISM, async (bridge) => {
    // A bridge that is gone (deleted from the network page) has no neighbours: not a failure.
    const r = await readFromHost(deps, hostId, neighShowArgv(bridge), { purpose: `addresses seen on ${bridge}`, optional: true });
    neighbours.set(bridge, r.outcome === "exited" && r.exitStatus === 0 && !r.truncated ? parseNeigh(r.stdout) : []);
  });
  const out: Record<string, LearnedGuest> = {};
  guests.forEach((g, i) => {
    const m = monitors[i] ?? { running: false, problem: null };
    if (!m.running) {
      out[g.id] = { running: false, nics: [], problem: m.problem };
      return;
    }
    const tables = m.usernet === null ? new Map() : parseUsernet(m.usernet);
    out[g.id] = { running: true, problem: null, nics: g.def.nics.map((n, index) => learnedNic(index, n, neighbours, tables)) };
  });
  return { hostId, at: Date.now(), guests: out };
}

function learnedNic(
  index: number,
  nic: TGuestDefinition["nics"][number],
  neighbours: Map<string, NeighEntry[]>,
  tables: ReturnType<typeof parseUsernet>,
): LearnedNic {
  if (nic.network.kind === "tap") {
    const bridge = nic.network.bridge;
    const mac = nic.mac?.toLowerCase();
    const seen = mac === undefined ? [] : (neighbours.get(bridge) ?? []).filter((e) => e.mac === mac);
    return {
      index,
      forwards: [],
      addresses: seen
        .slice(0, 16)
        .map((e) => ({ address: e.address, family: e.family, how: "neighbour", detail: `${e.state} on ${bridge}` })),
    };
  }
  // Labdeck names NIC i's netdev n<i> (qemu-argv.ts).
  const u = usernetNic(`n${index}`, tables.get(`n${index}`) ?? []);
  const targets = new Set(u.forwards.map((f) => f.guestAddress));
  return {
    index,
    forwards: u.forwards,
    addresses: u.guestAddresses.map((a) => ({
      address: a,
      family: "inet",
      how: "slirp",
      detail: targets.has(a) ? "forward target" : "guest connection",
    })),
  };
}

/** A person's read of the host's learned guest addresses (the list opened): one audit row. */
export function readGuestAddresses(deps: ReadDeps, hostId: string): Promise<HostLearnedAddresses> {
  return withHostRead(deps, { hostId, action: "guest.addresses" }, (d) => readHostAddresses(d, hostId));
}
