import { z } from "zod";
import type { Db } from "../db";
import type { Prisma } from "../generated/prisma/client";
import { GUEST_STATES, HYPERVISOR_KINDS, type GuestState } from "../../lib/guest-states";
import type { GuestStates } from "./guest-state";
import { toGuestView, type GuestView } from "./guest-service";

// The guest list a page shows, one page at a time: filtered, sorted and cut on the server,
// so a lab of 10,000 guests costs a page the rows it shows, not the whole inventory. What
// must not break: every answer is bounded by the input's limit (at most MAX_PAGE rows), and
// the order is total (ties end on the id), so paging never shows a guest twice or skips one
// while nothing changes.

export const MAX_PAGE = 200;
/** The deepest offset a page may ask for: far beyond any inventory this process serves. */
export const MAX_OFFSET = 1_000_000;
export const GUEST_SORT_FIELDS = ["name", "host", "hypervisor", "state", "created"] as const;

export const ZGuestPageInput = z.object({
  offset: z.number().int().min(0).max(MAX_OFFSET).default(0),
  limit: z.number().int().min(1).max(MAX_PAGE).default(100),
  sort: z.enum(GUEST_SORT_FIELDS).default("name"),
  dir: z.enum(["asc", "desc"]).default("asc"),
  /** Part of a guest's name; names are [a-z0-9-] (GUEST_NAME), so nothing here is a LIKE wildcard. */
  name: z
    .string()
    .max(32)
    .regex(/^[a-z0-9-]*$/, "lowercase letters, digits and dashes")
    .optional(),
  hostId: z.string().min(1).max(64).optional(),
  hypervisor: z.enum(HYPERVISOR_KINDS).optional(),
  /** Matches guests whose state this process has read (the pages poll what they show); others are not known. */
  state: z.enum(GUEST_STATES).optional(),
});
export type TGuestPageInput = z.output<typeof ZGuestPageInput>;

export type GuestListRow = GuestView;

export interface GuestPage {
  total: number;
  offset: number;
  rows: GuestListRow[];
}

type Where = Prisma.GuestWhereInput;
type Order = Prisma.GuestOrderByWithRelationInput;

function whereOf(q: TGuestPageInput): Where {
  const where: Where = {};
  if (q.name) where.name = { contains: q.name };
  if (q.hostId) where.hostId = q.hostId;
  if (q.hypervisor) where.hypervisor = q.hypervisor;
  return where;
}

function orderOf(q: TGuestPageInput): Order[] {
  const d = q.dir;
  const tail: Order[] = [{ name: "asc" }, { id: "asc" }];
  switch (q.sort) {
    case "host":
      return [{ host: { name: d } }, ...tail];
    case "hypervisor":
      return [{ hypervisor: d }, ...tail];
    case "created":
      return [{ createdAt: d }, { id: "asc" }];
    default:
      return [{ name: d }, { hostId: "asc" }, { id: "asc" }];
  }
}

const STATE_RANK: Record<GuestState, number> = { running: 0, paused: 1, crashed: 2, "shut-off": 3, unknown: 4 };

/**
 * Filter and order by state, which lives in this process's cache of states read, not in
 * the database. Guests whose state was never read sort after every known one in either
 * direction, since "not read yet" is no state to sort by.
 */
export function byKnownState<T extends { id: string; name: string; hostName: string }>(
  rows: readonly T[],
  known: ReadonlyMap<string, GuestState>,
  q: { state?: GuestState | undefined; sort: string; dir: "asc" | "desc" },
): T[] {
  const filtered = q.state ? rows.filter((r) => known.get(r.id) === q.state) : [...rows];
  if (q.sort !== "state") return filtered;
  const sign = q.dir === "asc" ? 1 : -1;
  const rank = (r: T) => {
    const s = known.get(r.id);
    return s === undefined ? null : STATE_RANK[s];
  };
  return filtered.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    if (ra !== rb) {
      if (ra === null) return 1;
      if (rb === null) return -1;
      return sign * (ra - rb);
    }
    return a.name < b.name
      ? -1
      : a.name > b.name
        ? 1
        : a.hostName < b.hostName
          ? -1
          : a.hostName > b.hostName
            ? 1
            : a.id < b.id
              ? -1
              : a.id > b.id
                ? 1
                : 0;
  });
}

const include = { host: { select: { name: true, runDir: true } } } as const;

function view(g: Prisma.GuestGetPayload<{ include: typeof include }>): GuestListRow {
  return toGuestView(g, g.host);
}

export async function pageGuests({ db, guestStates }: { db: Db; guestStates: GuestStates }, q: TGuestPageInput): Promise<GuestPage> {
  const where = whereOf(q);
  if (q.state === undefined && q.sort !== "state") {
    const [total, rows] = await Promise.all([
      db.guest.count({ where }),
      db.guest.findMany({ where, orderBy: orderOf(q), skip: q.offset, take: q.limit, include }),
    ]);
    return { total, offset: q.offset, rows: rows.map(view) };
  }
  // State: the matching ids in name order (three small columns), then the page's rows.
  const slim = await db.guest.findMany({
    where,
    select: { id: true, name: true, host: { select: { name: true } } },
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
  const ordered = byKnownState(
    slim.map((g) => ({ id: g.id, name: g.name, hostName: g.host.name })),
    guestStates.known(),
    q,
  );
  const ids = ordered.slice(q.offset, q.offset + q.limit).map((g) => g.id);
  const rows = await db.guest.findMany({ where: { id: { in: ids } }, include });
  const byId = new Map(rows.map((g) => [g.id, view(g)]));
  return { total: ordered.length, offset: q.offset, rows: ids.flatMap((id) => byId.get(id) ?? []) };
}
