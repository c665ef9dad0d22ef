import type { Db } from "../db";
import type { Actor } from "../audit/audit-writer";
import { allowedActions, type GuestAction, type GuestState } from "../../lib/guest-states";
import type { SshExecutor, SshTarget } from "../ssh/types";
import { mapLimit, READ_PARALLELISM } from "../concurrency";
import { targetOfHost } from "./host-target";
import { requireConfirmedHostKey } from "./host-identity";
import { hypervisorFor } from "../hypervisors/registry";
import { guestIoOf } from "./guest-host";

// A guest's state for the pages, which poll it, read by the guest's kind (its monitor, then
// an audited command only when it must). The states this process has read are kept in a
// GuestStates (one per runtime, compose.ts): what the list filters and sorts by, and what
// lets a stopped guest cost nothing to watch.

export interface GuestStateView {
  state: GuestState;
  detail: string;
  at: number;
  /** The lifecycle actions this state allows (allowedActions), so the page needs no copy of the rules. */
  actions: GuestAction[];
}

/** The last state read of each guest, by id. */
export class GuestStates {
  private readonly seen = new Map<string, GuestStateView>();

  get(guestId: string): GuestStateView | undefined {
    return this.seen.get(guestId);
  }

  set(guestId: string, view: GuestStateView): void {
    this.seen.set(guestId, view);
  }

  /** After an action the next read must look again rather than trust what it saw before. */
  forget(guestId: string): void {
    this.seen.delete(guestId);
  }

  /** What the list may filter and sort by. */
  known(): ReadonlyMap<string, GuestState> {
    return new Map([...this.seen].map(([id, v]) => [id, v.state]));
  }
}

export interface GuestStateDeps {
  db: Db;
  ssh: SshExecutor;
  secret: Buffer;
  actor: Actor;
  guestStates: GuestStates;
  /** The host's target when the caller built it from a row it already loaded. */
  target?: SshTarget | undefined;
}

type GuestWithHost = Awaited<ReturnType<typeof findGuest>>;
const findGuest = (db: Db, id: string) => db.guest.findUniqueOrThrow({ where: { id }, include: { host: true } });

/** `opts.guest`: the rows the caller already loaded (an action reads them once for its checks, plan and job). */
export async function readGuestState(
  deps: GuestStateDeps,
  guestId: string,
  opts: { fresh?: boolean; guest?: GuestWithHost } = {},
): Promise<GuestStateView> {
  const fresh = opts.fresh === true;
  const known = deps.guestStates.get(guestId);
  const guest = opts.guest?.id === guestId ? opts.guest : await findGuest(deps.db, guestId);
  let view: Omit<GuestStateView, "actions">;
  try {
    const hv = hypervisorFor(guest.hypervisor);
    requireConfirmedHostKey(guest.host);
    const target = deps.target?.hostId === guest.hostId ? deps.target : targetOfHost(deps.secret, guest.host);
    const io = guestIoOf(deps, guest.hostId, target);
    const reading = await hv.readState(io, hv.files(guest.host.runDir, guest.name), { fresh, knownOff: known?.state === "shut-off" });
    if (reading === "unchanged" && known) return known;
    view = reading === "unchanged" ? { state: "shut-off", detail: "no monitor answers", at: Date.now() } : { ...reading, at: Date.now() };
  } catch (err) {
    view = { state: "unknown", detail: err instanceof Error ? err.message : String(err), at: Date.now() };
  }
  const full = { ...view, actions: allowedActions(view.state) };
  deps.guestStates.set(guestId, full);
  return full;
}

export async function readGuestStates(deps: GuestStateDeps, guestIds: readonly string[]): Promise<Record<string, GuestStateView>> {
  // Deduplicated: the same id twice would read the guest twice for one answer.
  const ids = [...new Set(guestIds)];
  const entries = await mapLimit(ids, READ_PARALLELISM, async (id) => [id, await readGuestState(deps, id)] as const);
  return Object.fromEntries(entries);
}
