"use client";

import { useEffect, useState } from "react";
import { Badge, type Tone } from "../ui/badge";
import { Spinner } from "../ui/spinner";
import type { ConsolePhase, ConsoleStatus } from "./console-connection";

const LOOK: Record<ConsolePhase, { tone: Tone; label: string }> = {
  connecting: { tone: "blue", label: "connecting" },
  live: { tone: "green", label: "live" },
  "guest-not-running": { tone: "slate", label: "guest not running" },
  "host-unreachable": { tone: "red", label: "host unreachable" },
  reconnecting: { tone: "amber", label: "reconnecting" },
  refused: { tone: "red", label: "refused" },
};

function useSecondsUntil(at: number | undefined): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === undefined) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [at]);
  return at === undefined ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

export function ConsoleStatusBadge({ status }: { status: ConsoleStatus }) {
  const look = LOOK[status.phase];
  const secs = useSecondsUntil(status.phase === "reconnecting" ? status.retryAt : undefined);
  return (
    <span className="flex items-center gap-2">
      <Badge tone={look.tone} title={status.detail} testId="console-state">
        {(status.phase === "connecting" || status.phase === "reconnecting") && <Spinner className="size-3" />}
        <span data-phase={status.phase}>
          {look.label}
          {secs !== null ? ` in ${secs} s` : ""}
        </span>
      </Badge>
      {status.readOnly && (
        <Badge tone="violet" testId="console-read-only" title="The viewer role can watch but not type">
          read-only
        </Badge>
      )}
    </span>
  );
}
