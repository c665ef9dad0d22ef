"use client";

import { useQueries } from "@tanstack/react-query";
import { useTRPC } from "../trpc-provider";
import type { GuestStateView } from "../api-types";

export const STATE_POLL_MS = 3000;
/** guests.states takes at most this many ids (MAX_STATE_IDS in guests.schema.ts). */
export const STATE_CHUNK = 200;

interface StateChunk {
  data?: Record<string, GuestStateView> | undefined;
  isError: boolean;
  error: unknown;
  isPending: boolean;
}

// Module level, so TanStack memoises the combined answer: pages keep one object per change.
function combine(results: StateChunk[]) {
  const withData = results.filter((r) => r.data !== undefined);
  const failed = results.find((r) => r.isError);
  return {
    data: withData.length === 0 ? undefined : (Object.assign({}, ...withData.map((r) => r.data)) as Record<string, GuestStateView>),
    isError: failed !== undefined,
    error: failed?.error ?? null,
    isPending: results.some((r) => r.isPending),
  };
}

/**
 * The normalised states of some guests, polled so lists follow starts and stops without a
 * reload. More ids than one request takes are asked in chunks: the input stays bounded
 * however many guests a page (a host's network) shows. The guest list asks only for the
 * rows on screen.
 */
export function useGuestStates(ids: readonly string[]) {
  const trpc = useTRPC();
  const sorted = [...new Set(ids)].sort();
  const chunks: string[][] = [];
  for (let i = 0; i < sorted.length; i += STATE_CHUNK) chunks.push(sorted.slice(i, i + STATE_CHUNK));
  return useQueries({
    queries: chunks.map((chunk) =>
      trpc.guests.states.queryOptions({ ids: chunk }, { refetchInterval: STATE_POLL_MS, staleTime: 0, placeholderData: (prev) => prev }),
    ),
    combine,
  });
}
