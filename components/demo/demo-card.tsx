"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { JobInline } from "../jobs/job-inline";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Loading, Notice } from "../ui/states";

/** Admins can start a local demo host (an sshd in a network namespace) to try Labdeck without a lab. */
export function DemoCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.demo.status.queryOptions());
  const refresh = () => {
    void queryClient.invalidateQueries(trpc.demo.status.queryFilter());
    void queryClient.invalidateQueries(trpc.hosts.list.queryFilter());
    void queryClient.invalidateQueries(trpc.jobs.list.queryFilter());
  };
  const start = useMutation(trpc.demo.start.mutationOptions({ onSettled: refresh }));
  const stop = useMutation(trpc.demo.stop.mutationOptions({ onSuccess: () => start.reset(), onSettled: refresh }));
  const busy = start.isPending || stop.isPending;
  const s = status.data;

  return (
    <Card
      title="Demo host"
      description="A throwaway host on this machine: an SSH server in its own network namespace, made by the test harness."
      actions={
        s?.supported && (
          <Badge tone={s.running ? "green" : "gray"} testId="demo-state">
            {s.running ? "running" : "stopped"}
          </Badge>
        )
      }
      testId="demo-card"
    >
      {status.isPending ? (
        <Loading />
      ) : status.isError ? (
        <Notice tone="error">{errorMessage(status.error)}</Notice>
      ) : !s?.supported ? (
        <Notice tone="info" title="Not available on this machine" testId="demo-unsupported">
          {s?.reason}
        </Notice>
      ) : (
        <div className="space-y-3">
          <div className="flex flex-wrap items-center gap-2">
            {!s.running && (
              <Button variant="primary" pending={start.isPending} disabled={busy} onClick={() => start.mutate()} data-testid="demo-start">
                {start.isPending ? "Starting demo host…" : s.hostId ? "Restart demo host" : "Start demo host"}
              </Button>
            )}
            {(s.running || s.hostId) && (
              <Button variant="danger" pending={stop.isPending} disabled={busy} onClick={() => stop.mutate()} data-testid="demo-stop">
                {stop.isPending ? "Removing…" : "Remove demo host"}
              </Button>
            )}
            {s.hostId && (
              <Link href={`/hosts/${s.hostId}`} className="text-blue-700 hover:underline" data-testid="demo-host-link">
                Open the demo host
              </Link>
            )}
          </div>
          {s.hostId && !s.running && (
            <Notice tone="warning">
              The demo host is in the inventory but its SSH server is not running (the machine restarted?). Restart it or remove it.
            </Notice>
          )}
          {start.isPending && <p className="text-xs text-slate-500">Creating a network namespace, keys and an sshd; then a probe runs.</p>}
          {start.error && (
            <Notice tone="error" title="The demo host did not start">
              {errorMessage(start.error)}
            </Notice>
          )}
          {stop.error && (
            <Notice tone="error" title="The demo host was not removed">
              {errorMessage(stop.error)}
            </Notice>
          )}
          {stop.data && <Notice tone="success">Demo host removed{stop.data.stopped ? " and its SSH server stopped" : ""}.</Notice>}
          {start.data && (
            <JobInline key={start.data.probeJobId} jobId={start.data.probeJobId} title="Probing the demo host" onFinished={refresh} />
          )}
        </div>
      )}
    </Card>
  );
}
