"use client";

import { skipToken, useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc-provider";

export const STATE_POLL_MS = 3000;

/** The normalised states of some guests, polled so lists follow starts and stops without a reload. */
export function useGuestStates(ids: readonly string[]) {
  const trpc = useTRPC();
  const sorted = [...ids].sort();
  return useQuery(
    trpc.guests.states.queryOptions(sorted.length > 0 ? { ids: sorted } : skipToken, {
      refetchInterval: STATE_POLL_MS,
      staleTime: 0,
      placeholderData: (prev) => prev,
    }),
  );
}
