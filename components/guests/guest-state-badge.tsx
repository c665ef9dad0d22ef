import type { GuestStateView } from "../api-types";
import { Badge, type Tone } from "../ui/badge";
import { Spinner } from "../ui/spinner";
import type { GuestState } from "./guest-state";

// "unknown" is an outlined amber badge and never green: the state could not be read, so
// nobody should take the guest for running.
const LOOK: Record<GuestState, { tone: Tone; label: string; className?: string }> = {
  running: { tone: "green", label: "running" },
  paused: { tone: "amber", label: "paused" },
  "shut-off": { tone: "slate", label: "shut off" },
  crashed: { tone: "red", label: "crashed" },
  unknown: { tone: "amber", label: "unknown", className: "border border-dashed border-amber-600 bg-white!" },
};

export function GuestStateBadge({ view, testId = "guest-state" }: { view: GuestStateView | undefined; testId?: string }) {
  if (!view) {
    return (
      <Badge tone="gray" testId={testId}>
        <Spinner className="size-3" />
        <span data-state="loading">reading…</span>
      </Badge>
    );
  }
  const look = LOOK[view.state];
  return (
    <Badge tone={look.tone} className={look.className} title={view.detail} testId={testId}>
      {view.state === "unknown" && <span aria-hidden>?</span>}
      <span data-state={view.state}>{look.label}</span>
    </Badge>
  );
}
