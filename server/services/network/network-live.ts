import { auditRead, type Actor } from "../../audit/audit-writer";
import type { Db } from "../../db";
import { diffNetworks } from "../../network/drift/diff-networks";
import type { NetworkBus, NetworkEvent } from "../../network/network-bus";
import type { THostNetwork } from "../../network/network-model";
import type { SshExecutor } from "../../ssh/types";
import { collectHostRead, type CollectedRead } from "../host-read";
import { SharedRefresher, type Refreshed } from "../shared-refresher";
import { guestTaps } from "./network-read";
import { assembleView } from "./network-view";
import { NETWORK_REFRESH_MS } from "../../../lib/refresh";

// The network pages' background refresh, shared: one read of a host per interval on the
// server for every page open on it, pushed to all of them (network.watch), instead of one
// read per open browser. Also re-reads at once when a change is announced on the bus.
//
// Audit: a background refresh is nobody's action and repeats the same commands every few
// seconds, so it writes no row per read (977 of 1,003 rows in 40 minutes were these). It
// writes ONE summary row, with that read's commands inside, only when it learns something
// a person would want in the log: the host's network changed behind Labdeck's back since
// the previous refresh ("changed", with what changed), a refresh failed after one that
// worked ("failed"), or worked again after failing ("recovered"). A change Labdeck itself
// announced (an apply, a confirm: audited by its job) resets the baseline without a row.

/** Whom a background refresh acts as: no person asked for it. */
export const BACKGROUND_ACTOR: Actor = { userId: null, username: "labdeck" };

export type TNetworkView = Awaited<ReturnType<typeof assembleView>>;

export type NetworkLiveEvent =
  | { hostId: string; reason: "refreshed"; at: number; view: TNetworkView }
  | { hostId: string; reason: "refresh-failed"; at: number; error: string; code: string | null };

interface Baseline {
  ok: boolean;
  network: THostNetwork | null;
  taps: Set<string>;
}

export type SummaryDecision = { background: "changed"; changes: string[] } | { background: "failed" | "recovered" } | null;

/** Whether a background read earns a summary row (pure: the rule documented above). */
export function summaryDecision(
  prev: Baseline | undefined,
  read: CollectedRead<TNetworkView>,
  opts: { expected: boolean },
): SummaryDecision {
  if (!read.ok) return prev === undefined || prev.ok ? { background: "failed" } : null;
  if (prev && !prev.ok) return { background: "recovered" };
  if (!prev?.network || opts.expected) return null;
  const ignoreLinks = new Set([...prev.taps, ...guestTaps(read.value.guests)]);
  const changes = diffNetworks(prev.network, read.value.network, { ignoreLinks }).map((d) => d.summary);
  return changes.length > 0 ? { background: "changed", changes: changes.slice(0, 50) } : null;
}

export interface NetworkLiveDeps {
  db: Db;
  ssh: SshExecutor;
  secret: Buffer;
  networkBus: NetworkBus;
  intervalMs?: number;
}

export class NetworkLive {
  private readonly refresher: SharedRefresher<TNetworkView>;
  private readonly baselines = new Map<string, Baseline>();
  /** Hosts whose next refresh follows a change Labdeck announced itself. */
  private readonly expected = new Set<string>();
  private readonly onBus = (e: NetworkEvent) => {
    if (e.hostId === "all" || this.refresher.subscribers(e.hostId) === 0) return;
    if (e.reason !== "layout") this.expected.add(e.hostId);
    this.refresher.refreshNow(e.hostId);
  };

  constructor(private readonly deps: NetworkLiveDeps) {
    this.refresher = new SharedRefresher({
      intervalMs: deps.intervalMs ?? NETWORK_REFRESH_MS,
      read: (hostId) => this.read(hostId),
      onStop: (hostId) => {
        this.baselines.delete(hostId);
        this.expected.delete(hostId);
      },
    });
    deps.networkBus.on("network", this.onBus);
  }

  subscribe(hostId: string, listener: (e: NetworkLiveEvent) => void): () => void {
    return this.refresher.subscribe(hostId, (r) => listener(toEvent(r)));
  }

  /** Background reads started for a host since this object was made. */
  readsStarted(hostId: string): number {
    return this.refresher.readsStarted.get(hostId) ?? 0;
  }

  idle(): Promise<void> {
    return this.refresher.idle();
  }

  close(): void {
    this.deps.networkBus.off("network", this.onBus);
  }

  private async read(hostId: string): Promise<TNetworkView> {
    const expected = this.expected.delete(hostId);
    const deps = {
      db: this.deps.db,
      ssh: this.deps.ssh,
      secret: this.deps.secret,
      networkBus: this.deps.networkBus,
      actor: BACKGROUND_ACTOR,
    };
    const read = await collectHostRead(deps, hostId, (d) => assembleView(d, hostId));
    const decision = summaryDecision(this.baselines.get(hostId), read, { expected });
    if (decision && read.commands.length > 0) {
      const host = await this.deps.db.host.findUnique({ where: { id: hostId }, select: { name: true } });
      await auditRead(this.deps.db, BACKGROUND_ACTOR, {
        hostId,
        hostName: host?.name ?? hostId,
        action: "network.refresh",
        commands: read.commands,
        ...decision,
        ...(read.ok ? {} : { error: errorText(read.error) }),
      });
    }
    if (!read.ok) {
      const prev = this.baselines.get(hostId);
      this.baselines.set(hostId, { ok: false, network: prev?.network ?? null, taps: prev?.taps ?? new Set() });
      throw read.error;
    }
    this.baselines.set(hostId, { ok: true, network: read.value.network, taps: guestTaps(read.value.guests) });
    return read.value;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function toEvent(r: Refreshed<TNetworkView>): NetworkLiveEvent {
  return r.ok
    ? { hostId: r.key, reason: "refreshed", at: r.at, view: r.value }
    : { hostId: r.key, reason: "refresh-failed", at: r.at, error: r.error, code: r.code };
}
