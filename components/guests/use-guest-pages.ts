"use client";

import { useQueries } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTRPC } from "../trpc-provider";
import { pageInput, pagesFor, type GuestListQuery, type GuestListRow, type GuestPage } from "./guest-list-query";

// The pages of the guest list that hold the rows on screen (and the first, for the total),
// each one guests.page request; pages scrolled past stay cached for a while. The answer is
// the loaded rows by index: a row not loaded yet is a placeholder in the table.

export interface GuestPages {
  total: number | undefined;
  rowAt: (index: number) => GuestListRow | undefined;
  isPending: boolean;
  error: unknown;
}

/** The value after it has stopped changing for ms (typing in a filter asks once, not per key). */
export function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

export function useGuestPages(query: GuestListQuery, visible: { first: number; last: number }): GuestPages {
  const trpc = useTRPC();
  const pages = pagesFor(visible.first, visible.last);
  const results = useQueries({
    queries: pages.map((p) =>
      trpc.guests.page.queryOptions(pageInput(query, p), { staleTime: 5_000, refetchInterval: 30_000, placeholderData: (prev) => prev }),
    ),
  });
  const byPage = new Map<number, GuestPage>();
  pages.forEach((p, i) => {
    const data = results[i]?.data;
    if (data) byPage.set(p, data);
  });
  const first = results[0];
  return {
    total: first?.data?.total,
    rowAt: (index) => {
      for (const page of byPage.values()) {
        const at = index - page.offset;
        if (at >= 0 && at < page.rows.length) return page.rows[at];
      }
      return undefined;
    },
    isPending: first?.isPending ?? true,
    error: results.find((r) => r.isError)?.error ?? null,
  };
}
