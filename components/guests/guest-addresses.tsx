"use client";

import { skipToken, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useMemo } from "react";
import { onUnauthorized, useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { useServerNow } from "../ui/server-clock";
import { relativeTime } from "../ui/time";

// A guest list's cell for the addresses learned from outside a running guest (the host's
// neighbour table on a TAP NIC's bridge, QEMU's slirp table for user-mode NICs), drawn
// apart from what the definition says, with how long ago they were learned by the
// server's clock. Plugging in: the list calls useGuestAddressesLive(hostIds) once for the
// hosts it shows, and renders <GuestAddresses guestId hostId /> in a row's cell.
// What must not break: a cell never reads a host itself beyond the one shared query per
// host (guests.addresses, one audited read when a list opens); after that the server's
// shared refresh (guests.watchAddresses) keeps every cell current, so rows mounting and
// unmounting in a virtualised table cost the host nothing.

/** Keeps the learned addresses of these hosts current from the server's shared refresh. Call once per list. */
export function useGuestAddressesLive(hostIds: readonly string[]) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const key = [...new Set(hostIds)].sort().join(",");
  const input = useMemo(() => (key === "" ? skipToken : { hostIds: key.split(",") }), [key]);
  useSubscription(
    trpc.guests.watchAddresses.subscriptionOptions(input, {
      onData: (event) => {
        // Keep the last addresses drawn when a refresh fails; the next one says more.
        if (event.reason === "refreshed")
          queryClient.setQueryData(trpc.guests.addresses.queryKey({ hostId: event.hostId }), event.addresses);
      },
      onError: (err) => onUnauthorized(queryClient, err),
    }),
  );
}

function howLabel(how: "neighbour" | "slirp", detail: string): string {
  return how === "neighbour"
    ? `seen by the host (${detail.toLowerCase()})`
    : detail === "forward target"
      ? "QEMU user net (forward target)"
      : "QEMU user net (guest connection)";
}

/** The addresses learned for one guest, marked apart from the definition's. */
export function GuestAddresses({ guestId, hostId }: { guestId: string; hostId: string }) {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.guests.addresses.queryOptions({ hostId }, { staleTime: Number.POSITIVE_INFINITY, refetchOnWindowFocus: false, retry: false }),
  );
  const now = useServerNow(5000);
  if (query.isPending)
    return (
      <div className="mt-1 text-slate-400" data-testid="guest-learned" data-state="reading">
        reading addresses…
      </div>
    );
  if (query.isError) {
    return (
      <div className="mt-1 text-slate-500" data-testid="guest-learned" data-state="unknown" title={errorMessage(query.error)}>
        addresses from the guest unknown
      </div>
    );
  }
  const learned = query.data.guests[guestId];
  if (learned?.problem) {
    return (
      <div className="mt-1 text-slate-500" data-testid="guest-learned" data-state="unknown" title={learned.problem}>
        addresses from the guest unknown
      </div>
    );
  }
  if (!learned?.running) return null;
  const found = learned.nics.flatMap((n) => n.addresses.map((a) => ({ nic: n.index, ...a })));
  return (
    <div
      className="mt-1 border-t border-dashed border-slate-300 pt-1 dark:border-slate-600"
      data-testid="guest-learned"
      data-state={found.length > 0 ? "learned" : "none"}
    >
      <div className="text-[10px] font-medium tracking-wide text-emerald-700 uppercase dark:text-emerald-400">from the guest</div>
      {found.length === 0 && <div className="text-slate-500">none seen yet</div>}
      {found.map((a) => (
        <div key={`${a.nic} ${a.address}`} data-testid="guest-learned-address" data-nic={a.nic} data-how={a.how}>
          <span className="font-mono">{a.address}</span> <span className="text-slate-500">{howLabel(a.how, a.detail)}</span>
        </div>
      ))}
      <div className="text-slate-500" data-testid="guest-learned-at">
        learned <time dateTime={new Date(query.data.at).toISOString()}>{relativeTime(new Date(query.data.at), now)}</time>
      </div>
    </div>
  );
}
