"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { JobsTable } from "../jobs/jobs-table";
import { useTRPC } from "../trpc-provider";
import { errorCode, errorMessage, labdeckCode } from "../trpc-errors";
import { Card } from "../ui/card";
import { Loading, Notice } from "../ui/states";
import { CapabilitiesCard } from "./capabilities-card";
import { HostGuestsCard } from "./host-guests-card";
import { HostHeader } from "./host-header";
import { HostKeyCard } from "./host-key-card";
import { PublicKeyCard } from "./public-key-card";
import { UnmanagedCard } from "./unmanaged-card";

export function HostDetail({ hostId }: { hostId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const host = useQuery(trpc.hosts.get.queryOptions({ id: hostId }));
  const [probeJobId, setProbeJobId] = useState<string | null>(null);
  const [mismatch, setMismatch] = useState<string | null>(null);

  // A changed host key may surface from any section (a read, a probe, an apply): show it once, on top.
  const reportError = useCallback((err: unknown) => {
    if (labdeckCode(err) === "HOST_KEY_MISMATCH") setMismatch(errorMessage(err));
  }, []);
  const probe = useMutation(
    trpc.jobs.probe.mutationOptions({
      onSuccess: ({ jobId }) => setProbeJobId(jobId),
      onError: reportError,
    }),
  );
  const startProbe = useCallback(() => probe.mutate({ hostId }), [probe, hostId]);
  const onPinned = useCallback(() => {
    setMismatch(null);
    startProbe();
  }, [startProbe]);
  const onRepinned = useCallback(() => setMismatch(null), []);
  const onProbeFinished = useCallback(() => {
    void queryClient.invalidateQueries(trpc.hosts.get.queryFilter({ id: hostId }));
    void queryClient.invalidateQueries(trpc.hosts.lastProbe.queryFilter({ id: hostId }));
    void queryClient.invalidateQueries(trpc.hosts.list.queryFilter());
    void queryClient.invalidateQueries(trpc.jobs.list.queryFilter());
  }, [queryClient, trpc, hostId]);

  if (host.isPending) return <Loading label="Loading host…" />;
  if (host.isError) {
    return (
      <Notice tone="error" title={errorCode(host.error) === "NOT_FOUND" ? "No such host" : "Could not load the host"}>
        {errorMessage(host.error)}
      </Notice>
    );
  }
  const h = host.data;
  return (
    <div className="space-y-4">
      <HostHeader host={h} />
      {mismatch && (
        <Notice
          tone="error"
          title="The host presents a different SSH key than the one pinned"
          testId="host-key-mismatch"
          className="border-2 border-red-500 text-base"
        >
          <p>{mismatch}</p>
          <p className="mt-1 text-sm">
            Labdeck refuses to connect. If the host was reinstalled or its key rotated on purpose, an admin can re-pin it; otherwise treat
            this as a possible interception.
          </p>
        </Notice>
      )}
      <div className="grid gap-4 lg:grid-cols-2">
        <HostKeyCard host={h} onPinned={onPinned} onRepinned={onRepinned} reportError={reportError} />
        <PublicKeyCard host={h} />
      </div>
      <CapabilitiesCard
        host={h}
        probeJobId={probeJobId}
        probePending={probe.isPending}
        probeError={probe.error}
        onProbe={startProbe}
        onProbeFinished={onProbeFinished}
      />
      <div className="grid gap-4 lg:grid-cols-2">
        <HostGuestsCard host={h} />
        <UnmanagedCard host={h} />
      </div>
      <Card title="Recent jobs" bodyClassName="p-0" testId="host-recent-jobs">
        <JobsTable hostId={h.id} limit={10} showHost={false} />
      </Card>
    </div>
  );
}
