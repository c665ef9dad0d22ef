"use client";

import type { HostView, JobStatus } from "../api-types";
import { useCan } from "../auth/session";
import { JobInline } from "../jobs/job-inline";
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
  return (
    <Card
      title="Capabilities"
      testId="capabilities-card"
      description={
        host.probedAt ? (
          <span data-testid="probed-at">
            Probed at <RelativeTime date={host.probedAt} withAbsolute />
          </span>
        ) : (
          "Never probed"
        )
      }
      actions={
        canProbe && (
          <Button size="sm" pending={probePending} disabled={!pinned} title={pinned ? "Run the read-only probe again" : "Confirm the host key first"} onClick={onProbe} data-testid="probe-refresh">
            Refresh
          </Button>
        )
      }
    >
      <div className="space-y-3">
        {probeError ? <Notice tone="error" title="Could not start the probe">{errorMessage(probeError)}</Notice> : null}
        {probeJobId && <JobInline key={probeJobId} jobId={probeJobId} title="Probe" onFinished={onProbeFinished} />}
        {host.capabilityFacts && host.capabilityRows ? (
          <CapabilityMatrix facts={host.capabilityFacts} rows={host.capabilityRows} />
        ) : host.probedAt ? (
          <Notice tone="warning">The stored probe result is in an older format and cannot be shown. Refresh to probe again.</Notice>
        ) : (
          !probeJobId && (
            <Empty>
              This host has never been probed. {pinned ? (canProbe ? "Refresh runs a read-only probe of its tools, devices and KVM." : "An operator can run a probe.") : "Confirm its host key first; a probe starts right after."}
            </Empty>
          )
        )}
      </div>
    </Card>
  );
}
