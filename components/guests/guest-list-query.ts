import type { RouterInputs, RouterOutputs } from "../api-types";
import type { GUEST_SORT_FIELDS } from "@/server/services/guest-list";

// What the guest list asks the server for (guests.page) and which pages cover the rows on
// screen. Pure, so the paging arithmetic is tested without a browser. PAGE_SIZE must stay
// within the server's MAX_PAGE (services/guest-list.ts).

export type GuestPageInput = RouterInputs["guests"]["page"];
export type GuestPage = RouterOutputs["guests"]["page"];
export type GuestListRow = GuestPage["rows"][number];
export type GuestSortField = (typeof GUEST_SORT_FIELDS)[number];
export type GuestStateFilter = NonNullable<GuestPageInput["state"]>;
export type HypervisorFilter = NonNullable<GuestPageInput["hypervisor"]>;

export const PAGE_SIZE = 100;

export interface GuestListQuery {
  sort: GuestSortField;
  dir: "asc" | "desc";
  name: string;
  hostId: string | null;
  hypervisor: HypervisorFilter | null;
  state: GuestStateFilter | null;
}

export const DEFAULT_QUERY: GuestListQuery = { sort: "name", dir: "asc", name: "", hostId: null, hypervisor: null, state: null };

/** The name filter as the server takes it: guest names are lowercase [a-z0-9-], at most 32. */
export function nameFilter(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "")
    .slice(0, 32);
}

export function pageInput(q: GuestListQuery, page: number): GuestPageInput {
  const input: GuestPageInput = { offset: page * PAGE_SIZE, limit: PAGE_SIZE, sort: q.sort, dir: q.dir };
  const name = nameFilter(q.name);
  if (name) input.name = name;
  if (q.hostId) input.hostId = q.hostId;
  if (q.hypervisor) input.hypervisor = q.hypervisor;
  if (q.state) input.state = q.state;
  return input;
}

/** The pages holding rows first..last (inclusive); page 0 always, since it carries the total. */
export function pagesFor(first: number, last: number): number[] {
  const pages = new Set<number>([0]);
  if (last >= first && first >= 0) for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) pages.add(p);
  return [...pages].sort((a, b) => a - b);
}

/** Clicking a column: the same one flips its direction, another starts ascending. */
export function nextSort(q: GuestListQuery, field: GuestSortField): GuestListQuery {
  return q.sort === field ? { ...q, dir: q.dir === "asc" ? "desc" : "asc" } : { ...q, sort: field, dir: "asc" };
}
