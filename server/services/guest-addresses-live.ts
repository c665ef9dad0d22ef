import { EventEmitter, on } from "node:events";
import { auditRead } from "../audit/audit-writer";
import type { Db } from "../db";
import { LabdeckError } from "../errors";
import type { SshExecutor } from "../ssh/types";
import { readHostAddresses, type HostLearnedAddresses } from "./guest-addresses";
import { collectHostRead } from "./host-read";
import { BACKGROUND_ACTOR } from "./network/network-live";
import { SharedRefresher, type Refreshed } from "./shared-refresher";
import { ADDRESS_REFRESH_MS } from "../../lib/refresh";

// The guest lists' background refresh of learned addresses, shared: one read of a host per
// interval on the server for every open list that shows its guests (guests.watchAddresses),
// as network-live does for the network pages. What must not break: a background read
// writes no audit row per read; it writes one summary row only when the refresh starts
// failing or works again, so a host that goes away is in the log once, not every 10 s.

export type GuestAddressEvent =
  | { hostId: string; reason: "refreshed"; at: number; addresses: HostLearnedAddresses }
  | { hostId: string; reason: "refresh-failed"; at: number; error: string; code: string | null };

export interface GuestAddressesLiveDeps {
  db: Db;
  ssh: SshExecutor;
  secret: Buffer;
  intervalMs?: number;
}

export class GuestAddressesLive {
  private readonly refresher: SharedRefresher<HostLearnedAddresses>;
  /** Whether each watched host's last background read worked. */
  private readonly lastOk = new Map<string, boolean>();

  constructor(private readonly deps: GuestAddressesLiveDeps) {
    this.refresher = new SharedRefresher({
      intervalMs: deps.intervalMs ?? ADDRESS_REFRESH_MS,
      read: (hostId) => this.read(hostId),
      onStop: (hostId) => this.lastOk.delete(hostId),
    });
  }

  subscribe(hostId: string, listener: (e: GuestAddressEvent) => void): () => void {
    return this.refresher.subscribe(hostId, (r) => listener(toEvent(r)));
  }

  /** Reads at once for everyone watching the host (a guest started or stopped); no-op when nobody does. */
  refreshNow(hostId: string): void {
    this.refresher.refreshNow(hostId);
  }

  readsStarted(hostId: string): number {
    return this.refresher.readsStarted.get(hostId) ?? 0;
  }

  idle(): Promise<void> {
    return this.refresher.idle();
  }

  private async read(hostId: string): Promise<HostLearnedAddresses> {
    const deps = { db: this.deps.db, ssh: this.deps.ssh, secret: this.deps.secret, actor: BACKGROUND_ACTOR };
    const read = await collectHostRead(deps, hostId, (d) => readHostAddresses(d, hostId));
    const prev = this.lastOk.get(hostId);
    const background = !read.ok && prev !== false ? "failed" : read.ok && prev === false ? "recovered" : null;
    this.lastOk.set(hostId, read.ok);
    if (background && read.commands.length > 0) {
      const host = await this.deps.db.host.findUnique({ where: { id: hostId }, select: { name: true } });
      await auditRead(this.deps.db, BACKGROUND_ACTOR, {
        hostId,
        hostName: host?.name ?? hostId,
        action: "guest.addresses.refresh",
        background,
        commands: read.commands,
        ...(read.ok ? {} : { error: read.error instanceof Error ? read.error.message : String(read.error) }),
      });
    }
    if (!read.ok) throw read.error;
    return read.value;
  }
}

function toEvent(r: Refreshed<HostLearnedAddresses>): GuestAddressEvent {
  return r.ok
    ? { hostId: r.key, reason: "refreshed", at: r.at, addresses: r.value }
    : { hostId: r.key, reason: "refresh-failed", at: r.at, error: r.error, code: r.code };
}

/**
 * The events of some hosts' shared refresh, for one subscriber (a list page), until the
 * signal ends (the page left, the session ended). Unknown hosts are refused up front.
 */
export async function* watchGuestAddresses(opts: {
  db: Db;
  live: GuestAddressesLive;
  hostIds: readonly string[];
  signal: AbortSignal | undefined;
}): AsyncGenerator<GuestAddressEvent> {
  const hostIds = [...new Set(opts.hostIds)];
  if ((await opts.db.host.count({ where: { id: { in: hostIds } } })) !== hostIds.length)
    throw new LabdeckError("NOT_FOUND", "no such host");
  const local = new EventEmitter();
  // The iterator first: a late subscriber gets the last refresh synchronously on subscribe.
  const events = on(local, "event", opts.signal ? { signal: opts.signal } : {}) as AsyncIterableIterator<[GuestAddressEvent]>;
  const leave = hostIds.map((hostId) => opts.live.subscribe(hostId, (e) => local.emit("event", e)));
  try {
    for await (const [event] of events) yield event;
  } catch (err) {
    if (!(err instanceof Error && err.name === "AbortError")) throw err;
  } finally {
    for (const l of leave) l();
  }
}
