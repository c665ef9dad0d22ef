import type { JobStatus } from "../api-types";
import { Badge, type Tone } from "../ui/badge";
import { Spinner } from "../ui/spinner";

// "unknown" means the outcome could not be read back: amber and worded so nobody takes it
// for success.
const LOOK: Record<JobStatus, { tone: Tone; label: string; title: string }> = {
  queued: { tone: "gray", label: "queued", title: "waiting for the host's lock" },
  running: { tone: "blue", label: "running", title: "running now" },
  succeeded: { tone: "green", label: "succeeded", title: "every step exited 0" },
  failed: { tone: "red", label: "failed", title: "a step failed" },
  unknown: { tone: "amber", label: "unknown outcome", title: "the connection dropped; the host's state must be checked" },
  cancelled: { tone: "slate", label: "cancelled", title: "cancelled by a user or a restart" },
};

export function isJobFinished(status: JobStatus): boolean {
  return status !== "queued" && status !== "running";
}

export function JobStatusBadge({ status, testId = "job-status" }: { status: JobStatus; testId?: string }) {
  const look = LOOK[status];
  return (
    <Badge tone={look.tone} title={look.title} testId={testId}>
      {status === "running" && <Spinner className="size-3" />}
      {status === "unknown" && <span aria-hidden>⚠</span>}
      <span data-status={status}>{look.label}</span>
    </Badge>
  );
}
