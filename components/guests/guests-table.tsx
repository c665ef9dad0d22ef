"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { errorMessage } from "../trpc-errors";
import { Empty, Loading, Notice } from "../ui/states";
import { Th } from "../ui/table";
import { DEFAULT_QUERY, nextSort, type GuestListQuery, type GuestSortField } from "./guest-list-query";
import { GuestListFilters } from "./guest-list-filters";
import { GuestRow, type GuestListColumn } from "./guest-row";
import { useGuestPages, useSettled } from "./use-guest-pages";
import { useGuestAddressesLive } from "./guest-addresses";
import { useGuestStates } from "./use-guest-states";

// The guest list: paged, sorted and filtered by the server (guests.page), drawn virtualised
// (only the rows in view and a few around them are in the DOM), and states polled for the
// rows in view only. What must not break: no request here grows with the inventory; the
// browser holds the pages around the view, never the whole list.

const ROW_ESTIMATE_PX = 44;
const NO_COLUMNS: readonly GuestListColumn[] = [];

function SortTh({
  field,
  query,
  onSort,
  children,
}: {
  field: GuestSortField;
  query: GuestListQuery;
  onSort: (f: GuestSortField) => void;
  children: ReactNode;
}) {
  const active = query.sort === field;
  return (
    <Th aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : "none"}>
      <button
        type="button"
        className="inline-flex items-center gap-1 hover:text-slate-900"
        data-testid={`guest-sort-${field}`}
        onClick={() => onSort(field)}
      >
        {children}
        <span aria-hidden className={active ? "" : "invisible"}>
          {query.dir === "asc" ? "▲" : "▼"}
        </span>
      </button>
    </Th>
  );
}

/** Guests (of one host, or all), each with its live state. */
export function GuestsTable({
  hostId,
  showHost = true,
  empty,
  columns = NO_COLUMNS,
}: {
  hostId?: string;
  showHost?: boolean;
  empty: ReactNode;
  /** Extra columns (e.g. learned addresses); a constant list, its hooks run every render. */
  columns?: readonly GuestListColumn[];
}) {
  const [query, setQuery] = useState<GuestListQuery>({ ...DEFAULT_QUERY, hostId: hostId ?? null });
  // Typing in the name filter asks once it settles; clearing it, sorting and choosing ask at once.
  const settledName = useSettled(query.name, 250);
  const effective: GuestListQuery = { ...query, name: query.name === "" ? "" : settledName, hostId: hostId ?? query.hostId };
  const queryKey = JSON.stringify(effective);
  const [range, setRange] = useState({ first: 0, last: 0 });
  const pages = useGuestPages(effective, range);
  const scrollRef = useRef<HTMLDivElement>(null);
  const total = pages.total ?? 0;
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE_PX,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => setRange((r) => (r.first === first && r.last === last ? r : { first, last })), [first, last]);
  // Another order or filter starts at its first row.
  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [queryKey]);

  const visibleIds = items.flatMap((i) => pages.rowAt(i.index)?.id ?? []);
  const states = useGuestStates(visibleIds);
  // Learned addresses: one shared live read per host on screen, never per row.
  useGuestAddressesLive([...new Set(items.flatMap((i) => pages.rowAt(i.index)?.hostId ?? []))]);
  // Hooks of the extra columns, in a fixed order (the list is constant for a mounted table).
  const columnData = columns.map((c) => c.useRowsData(visibleIds));
  const filtered =
    effective.name !== "" || effective.state !== null || effective.hypervisor !== null || (!hostId && effective.hostId !== null);
  const colCount = 9 + (showHost ? 1 : 0) + columns.length;
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = items.length > 0 ? virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0) : 0;
  const onSort = (f: GuestSortField) => setQuery((q) => nextSort(q, f));

  return (
    <div>
      <GuestListFilters query={query} onChange={setQuery} showHost={showHost && !hostId} />
      {pages.error !== null && (
        <Notice tone="error" className="m-3">
          {errorMessage(pages.error)}
        </Notice>
      )}
      {states.isError && (
        <Notice tone="warning" className="m-3">
          Could not read the guests&apos; states: {errorMessage(states.error)}
        </Notice>
      )}
      {pages.isPending && pages.total === undefined && pages.error === null ? (
        <Loading label="Loading guests…" className="px-4" />
      ) : pages.total === 0 ? (
        <Empty className="m-3">{filtered ? "No guest matches these filters." : empty}</Empty>
      ) : pages.total !== undefined ? (
        <>
          <div className="px-3 pt-2 text-xs text-slate-500" data-testid="guest-total" data-total={total}>
            {total} {total === 1 ? "guest" : "guests"}
            {filtered ? " match" : ""}
          </div>
          <div ref={scrollRef} className="max-h-[calc(100vh-16rem)] min-h-64 overflow-auto" data-testid="guest-list-scroll">
            <table className="w-full border-collapse text-left text-sm">
              <thead className="sticky top-0 z-10 border-b border-slate-200 bg-slate-50 text-xs text-slate-600">
                <tr>
                  <SortTh field="name" query={query} onSort={onSort}>
                    Name
                  </SortTh>
                  {showHost && (
                    <SortTh field="host" query={query} onSort={onSort}>
                      Host
                    </SortTh>
                  )}
                  <SortTh field="state" query={query} onSort={onSort}>
                    State
                  </SortTh>
                  <SortTh field="hypervisor" query={query} onSort={onSort}>
                    Hypervisor
                  </SortTh>
                  <Th>Arch</Th>
                  <Th>vCPUs</Th>
                  <Th>Memory</Th>
                  <Th>Disks</Th>
                  <Th>Addresses</Th>
                  {columns.map((c) => (
                    <Th key={c.key}>{c.header}</Th>
                  ))}
                  <Th>Console</Th>
                </tr>
              </thead>
              <tbody>
                {paddingTop > 0 && (
                  <tr aria-hidden style={{ height: paddingTop }}>
                    <td colSpan={colCount} />
                  </tr>
                )}
                {items.map((item) => {
                  const row = pages.rowAt(item.index);
                  if (!row) {
                    return (
                      <tr
                        key={item.key}
                        data-index={item.index}
                        ref={virtualizer.measureElement}
                        style={{ height: ROW_ESTIMATE_PX }}
                        data-testid="guest-row-loading"
                      >
                        <td colSpan={colCount} className="px-3 text-xs text-slate-400">
                          loading…
                        </td>
                      </tr>
                    );
                  }
                  return (
                    <GuestRow
                      key={item.key}
                      guest={row}
                      index={item.index}
                      showHost={showHost}
                      state={states.data?.[row.id]}
                      columns={columns}
                      columnData={columnData}
                      measure={virtualizer.measureElement}
                    />
                  );
                })}
                {paddingBottom > 0 && (
                  <tr aria-hidden style={{ height: paddingBottom }}>
                    <td colSpan={colCount} />
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </div>
  );
}
