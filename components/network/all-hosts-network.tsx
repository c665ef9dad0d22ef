"use client";

import { useGuestStates } from "../guests/use-guest-states";
import { withGuestStates } from "./guest-states";
import { useQueries, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useRef } from "react";
import { useCan } from "../auth/session";
import { PageHeader } from "../layout/page-header";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Empty, Loading, Notice } from "../ui/states";
import { allHostsGraph, type HostEntry } from "./all-hosts-graph";
import { NetworkCanvas } from "./network-canvas";
import type { NetworkView } from "./network-types";
import type { HostNotice, NetNode } from "./topology-model";
import { useLayoutSaver } from "./use-layout-saver";
import { useNetworkLive } from "./use-network-live";

// Every host's network side by side, read-only: a map of the lab. Changes are made in a
// host's own editor (each group links to it); only the arrangement is saved here, under
// the "all" layout scope shared by the team.

const READ_ONLY = { editable: false };

// A stable combine keeps the result referentially equal between renders while no read
// changed, so the canvas is not rebuilt on every render.
function summarize(results: { data?: unknown; error: unknown; isPending: boolean; isError: boolean }[]) {
  return results.map((r) => ({
    view: (r.data as NetworkView | undefined) ?? null,
    error: r.error,
    isPending: r.isPending,
    isError: r.isError,
  }));
}

export function AllHostsNetwork() {
  const trpc = useTRPC();
  const canArrange = useCan("operator");
  const hosts = useQuery(trpc.hosts.list.queryOptions());
  const layout = useQuery(trpc.network.layout.queryOptions({ scope: "all" }));
  const readable = useMemo(() => (hosts.data ?? []).filter((h) => h.hostKeyFingerprint), [hosts.data]);
  const readableIds = useMemo(() => readable.map((h) => h.id), [readable]);
  useNetworkLive({ all: true, refresh: readableIds });
  const reads = useQueries({
    // Kept current by the server's shared refresh (useNetworkLive), not by polling.
    queries: readable.map((h) => trpc.network.read.queryOptions({ hostId: h.id }, { refetchOnWindowFocus: false })),
    combine: summarize,
  });
  const guestIds = reads.flatMap((r) => r.view?.guests.map((g) => g.id) ?? []);
  const states = useGuestStates(guestIds);
  const nodesRef = useRef<NetNode[]>([]);
  const saver = useLayoutSaver("all", layout.data, () => Object.fromEntries(nodesRef.current.map((n) => [n.id, n.position])));

  const entries: HostEntry[] = useMemo(
    () =>
      (hosts.data ?? []).map((h) => {
        const i = readable.findIndex((r) => r.id === h.id);
        const q = i >= 0 ? reads[i] : undefined;
        const view = q?.view ? withGuestStates(q.view, states.data) : null;
        const notice: HostNotice | null = !h.hostKeyFingerprint
          ? { tone: "info", text: "Host key not confirmed yet: nothing is read from this host." }
          : q?.isError && !view
            ? { tone: "error", text: errorMessage(q.error) }
            : q?.isPending
              ? { tone: "info", text: "Reading…" }
              : null;
        return { hostId: h.id, hostName: h.name, view, notice };
      }),
    [hosts.data, readable, reads, states.data],
  );
  const graph = useMemo(() => allHostsGraph(entries, { ...(layout.data ?? {}), ...saver.moves }), [entries, layout.data, saver.moves]);
  nodesRef.current = graph.nodes;

  if (hosts.isPending || layout.isPending) return <Loading label="Loading hosts…" />;
  if (hosts.isError)
    return (
      <Notice tone="error" title="Could not list the hosts">
        {errorMessage(hosts.error)}
      </Notice>
    );

  return (
    <div className="space-y-4" data-testid="all-hosts-network">
      <PageHeader title="Network" subtitle="Every host's bridges, TAPs, guests and NAT, as last read. Open a host's editor to change it." />
      {hosts.data.length === 0 ? (
        <Empty
          action={
            <Link href="/hosts/new" className="text-blue-700 hover:underline">
              Add a host
            </Link>
          }
        >
          No hosts yet.
        </Empty>
      ) : (
        <NetworkCanvas
          nodes={graph.nodes}
          edges={graph.edges}
          actions={READ_ONLY}
          draggable={canArrange}
          onMoved={canArrange ? saver.onMoved : undefined}
          fitKey={entries
            .filter((e) => e.view)
            .map((e) => e.hostId)
            .join(",")}
          className="h-[70vh] rounded-md border border-slate-200 bg-white"
          testId="all-hosts-canvas"
        />
      )}
      {saver.error && <p className="text-xs text-red-700">Layout not saved: {errorMessage(saver.error)}</p>}
    </div>
  );
}
