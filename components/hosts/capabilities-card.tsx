"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { HostView, JobStatus } from "../api-types";
import { useCan } from "../auth/session";
import { JobInline } from "../jobs/job-inline";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Empty, Notice } from "../ui/states";
import { RelativeTime } from "../ui/time";
import { CapabilityMatrix } from "./capability-matrix";

export function CapabilitiesCard({
  host,
  probeJobId,
  probePending,
  probeError,
  onProbe,
  onProbeFinished,
}: {
  host: HostView;
  probeJobId: string | null;
  probePending: boolean;
  probeError: unknown;
  onProbe: () => void;
  onProbeFinished: (status: JobStatus) => void;
}) {
  const canProbe = useCan("operator");
  const pinned = host.hostKeyFingerprint !== null;
  const trpc = useTRPC();
  const last = useQuery(trpc.hosts.lastProbe.queryOptions({ id: host.id })).data ?? null;
  const lastFailed = last !== null && last.status !== "succeeded" && !probeJobId;
  return (
    <Card
      title="Capabilities"
      testId="capabilities-card"
      description={
        host.probedAt ? (
          <span data-testid="probed-at">
            Probed at <RelativeTime date={host.probedAt} withAbsolute />
          </span>
        ) : lastFailed ? (
          <span className="text-red-700" data-testid="probed-at">
            Never probed successfully
          </span>
        ) : (
          "Never probed"
        )
      }
      actions={
        canProbe && (
          <Button
            size="sm"
            pending={probePending}
            disabled={!pinned}
            title={pinned ? "Run the read-only probe again" : "Confirm the host key first"}
            onClick={onProbe}
            data-testid="probe-refresh"
          >
            Refresh
          </Button>
        )
      }
    >
      <div className="space-y-3">
        {probeError ? (
          <Notice tone="error" title="Could not start the probe">
            {errorMessage(probeError)}
          </Notice>
        ) : null}
        {lastFailed && (
          <Notice
            tone="error"
            title={`The last probe ${last.status === "failed" ? "failed" : `ended ${last.status}`}`}
            testId="probe-failed"
          >
            {last.error ?? "no error message"}
            {last.finishedAt && (
              <>
                {" "}
                (<RelativeTime date={last.finishedAt} />)
              </>
            )}
            .{" "}
            <Link href={`/jobs/${last.jobId}`} className="underline" data-testid="probe-failed-job">
              See the job
            </Link>
            .{" "}
            {host.probedAt ? "The capabilities below are from the last probe that succeeded." : "No probe of this host has succeeded yet."}
          </Notice>
        )}
        {probeJobId && <JobInline key={probeJobId} jobId={probeJobId} title="Probe" onFinished={onProbeFinished} />}
        {host.capabilityFacts && host.capabilityRows ? (
          <CapabilityMatrix facts={host.capabilityFacts} rows={host.capabilityRows} />
        ) : host.probedAt ? (
          <Notice tone="warning">The stored probe result is in an older format and cannot be shown. Refresh to probe again.</Notice>
        ) : (
          !probeJobId &&
          !lastFailed && (
            <Empty>
              This host has never been probed.{" "}
              {pinned
                ? canProbe
                  ? "Refresh runs a read-only probe of its tools, devices and KVM."
                  : "An operator can run a probe."
                : "Confirm its host key first; a probe starts right after."}
            </Empty>
          )
        )}
      </div>
    </Card>
  );
}
