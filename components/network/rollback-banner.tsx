"use client";

import { useMutation } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Button } from "../ui/button";
import { useServerNow } from "../ui/server-clock";
import { Notice } from "../ui/states";
import type { PendingChange } from "./network-types";

// A change applied under automatic rollback is only kept if someone says so before the
// deadline: the host itself undoes it otherwise (so a rule that locks Labdeck out repairs
// itself without Labdeck). The countdown is the host's deadline, not a browser timer;
// when it passes, the page reads the host again to show what the host did.

export function RollbackBanner({
  pending,
  canEdit,
  onChanged,
}: {
  pending: PendingChange | null;
  canEdit: boolean;
  onChanged: () => void;
}) {
  const trpc = useTRPC();
  const armed = pending?.state === "armed";
  const now = useServerNow(250, armed);
  const confirm = useMutation(trpc.network.confirm.mutationOptions({ onSuccess: onChanged }));
  const rollback = useMutation(trpc.network.rollbackNow.mutationOptions({ onSuccess: onChanged }));
  const left = armed && pending.deadline !== null ? Math.max(0, Math.ceil((pending.deadline - now) / 1000)) : null;
  const expired = left === 0;

  // Past the deadline the host decides: read it until it reports what it did.
  useEffect(() => {
    if (!expired) return;
    onChanged();
    const t = setInterval(onChanged, 2000);
    return () => clearInterval(t);
  }, [expired, onChanged]);

  if (!pending) return null;
  const title = pending.title ? `: ${pending.title}` : "";
  if (pending.state === "applying") {
    return (
      <Notice tone="info" testId="change-applying">
        Applying{title}…
      </Notice>
    );
  }
  if (pending.state === "confirmed") {
    return (
      <Notice tone="success" testId="change-confirmed">
        Change confirmed and kept{title}.
      </Notice>
    );
  }
  if (pending.state === "rolled-back") {
    return (
      <Notice tone="warning" title="The change was rolled back" testId="change-rolled-back">
        The host restored its previous network{title}. Nothing from it remains.
      </Notice>
    );
  }
  if (pending.state === "failed") {
    return (
      <Notice tone="error" title="The change failed" testId="change-failed">
        See the job for the step that failed{title}; the host rolled back what had been applied.
      </Notice>
    );
  }
  if (pending.state === "timer-lost") {
    return (
      <Notice tone="warning" testId="change-timer-lost" title={`Nobody decided${title}`}>
        The host&apos;s rollback timer is gone (the host restarted, or its timer was killed) and the deadline has passed: nothing rolled the
        change back. What the host runs now is what it brought up; the Drift tab compares it with the recorded topology.
      </Notice>
    );
  }
  if (!armed) return null;
  return (
    <div className="rounded-md border-2 border-amber-500 bg-amber-50 px-4 py-3" role="alert" data-testid="rollback-banner">
      <div className="flex flex-wrap items-center gap-3">
        <div className="min-w-0 flex-1">
          <div className="font-semibold text-amber-950">
            {expired
              ? "Deadline passed: the host is rolling this change back by itself…"
              : `Keep this change? The host rolls it back in ${left ?? "?"} s`}
          </div>
          <div className="text-sm text-amber-900">
            Applied{title}. If Labdeck still reaches the host (this page updates), the change did not cut it off: keep it. Otherwise do
            nothing and the host undoes it.
          </div>
        </div>
        {left !== null && !expired && (
          <div className="font-mono text-3xl font-bold text-amber-900 tabular-nums" data-testid="rollback-countdown">
            {left}
          </div>
        )}
        {canEdit && !expired && (
          <div className="flex gap-2">
            <Button
              variant="primary"
              pending={confirm.isPending}
              disabled={rollback.isPending}
              onClick={() => confirm.mutate({ changeId: pending.changeId })}
              data-testid="confirm-change"
            >
              Keep these changes
            </Button>
            <Button
              variant="danger"
              pending={rollback.isPending}
              disabled={confirm.isPending}
              onClick={() => rollback.mutate({ changeId: pending.changeId })}
              data-testid="rollback-change"
            >
              Roll back now
            </Button>
          </div>
        )}
      </div>
      {(confirm.error || rollback.error) && <p className="mt-2 text-sm text-red-800">{errorMessage(confirm.error ?? rollback.error)}</p>}
    </div>
  );
}
