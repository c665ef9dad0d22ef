"use client";

import { skipToken, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useMemo } from "react";
import { onUnauthorized, useTRPC } from "../trpc-provider";

// Keeps every open topology page current. The server reads each watched host once per
// interval for all its viewers and pushes the view ("refreshed"); a page never polls the
// host itself, so ten open pages cost the host one read, and those background reads are
// not audited row by row. Other events (a teammate's apply, a moved node) make the server
// read again at once for everyone; the persistence preview and the all-hosts layout,
// which are not pushed, are refetched here.

export function useNetworkLive(opts: { hostId?: string; all?: boolean; refresh?: readonly string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = useMemo(() => [...new Set(opts.refresh ?? (opts.hostId ? [opts.hostId] : []))].sort(), [opts.refresh, opts.hostId]);
  const refetch = useCallback(
    (hostId: string) => {
      if (hostId === "all") void queryClient.invalidateQueries(trpc.network.layout.queryFilter());
      else void queryClient.invalidateQueries(trpc.network.read.queryFilter({ hostId }));
      void queryClient.invalidateQueries(trpc.network.persistence.queryFilter({ hostId }));
    },
    [queryClient, trpc],
  );
  const enabled = opts.hostId !== undefined || opts.all === true;
  const input = opts.hostId ? { hostId: opts.hostId, refresh } : { refresh };
  const sub = useSubscription(
    trpc.network.watch.subscriptionOptions(enabled ? input : skipToken, {
      onData: (event) => {
        if (event.reason === "refreshed") {
          queryClient.setQueryData(trpc.network.read.queryKey({ hostId: event.hostId }), event.view);
          return;
        }
        // Keep the last view drawn; the next refresh or a re-read says more.
        if (event.reason === "refresh-failed") return;
        if (event.hostId === "all") return refetch("all");
        // A watched host is re-read by the server for everyone; only the rest is fetched.
        if (!refresh.includes(event.hostId)) refetch(event.hostId);
        else if (event.reason !== "layout")
          void queryClient.invalidateQueries(trpc.network.persistence.queryFilter({ hostId: event.hostId }));
      },
      onError: (err) => onUnauthorized(queryClient, err),
    }),
  );
  return { connection: sub.status, refetch };
}
