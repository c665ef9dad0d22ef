"use client";

import { skipToken, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback } from "react";
import { onUnauthorized, useTRPC } from "../trpc-provider";

// Keeps every open topology page current: the server announces that a host's network or
// layout changed (an apply, a confirm, a teammate moving a node) and the page reads the
// host again. Events carry no model on purpose: what is drawn is always a fresh read.

/** Reads the host every so often too, to catch changes made behind Labdeck's back (drift). */
export const NETWORK_POLL_MS = 10_000;

export function useNetworkLive(opts: { hostId?: string; all?: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refetch = useCallback(
    (hostId: string) => {
      if (hostId === "all") void queryClient.invalidateQueries(trpc.network.layout.queryFilter());
      else void queryClient.invalidateQueries(trpc.network.read.queryFilter({ hostId }));
      void queryClient.invalidateQueries(trpc.network.persistence.queryFilter({ hostId }));
    },
    [queryClient, trpc],
  );
  const enabled = opts.hostId !== undefined || opts.all === true;
  const sub = useSubscription(
    trpc.network.watch.subscriptionOptions(enabled ? (opts.hostId ? { hostId: opts.hostId } : {}) : skipToken, {
      onData: (event) => refetch(event.hostId),
      onError: (err) => onUnauthorized(queryClient, err),
    }),
  );
  return { connection: sub.status, refetch };
}
