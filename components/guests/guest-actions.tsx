"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { GuestAction, GuestStateView, JobStatus } from "../api-types";
import { useTRPC } from "../trpc-provider";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { GuestActionPanel } from "./guest-action-panel";
import { ACTION_LABEL } from "./guest-state";

const ORDER: GuestAction[] = ["start", "shutdown", "reboot", "pause", "resume", "force-stop", "delete"];

/** Lifecycle buttons enabled by the current state; each opens Show commands → Run → job. */
export function GuestActions({ guestId, guestName, state }: { guestId: string; guestName: string; state: GuestStateView | undefined }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<{ action: GuestAction; n: number } | null>(null);
  // A job under way keeps its panel; once it ended, any allowed action may replace it.
  const [busy, setBusy] = useState(false);
  const refresh = () => void queryClient.invalidateQueries(trpc.guests.states.queryFilter());
  const onFinished = (action: GuestAction, status: JobStatus) => {
    setBusy(false);
    refresh();
    void queryClient.invalidateQueries(trpc.jobs.list.queryFilter());
    if (action === "delete" && status === "succeeded") {
      void queryClient.invalidateQueries(trpc.guests.list.queryFilter());
      void queryClient.invalidateQueries(trpc.guests.page.queryFilter());
      router.push("/guests");
    }
  };
  const choose = (action: GuestAction) => setOpen((o) => ({ action, n: (o?.n ?? 0) + 1 }));
  return (
    <Card
      title="Lifecycle"
      description={state ? `State read ${new Date(state.at).toLocaleTimeString()}: ${state.detail}` : "Reading the state…"}
      testId="guest-actions"
    >
      <div className="space-y-3">
        <div className="flex flex-wrap gap-2">
          {ORDER.map((a) => {
            const allowed = state !== undefined && state.actions.includes(a);
            return (
              <Button
                key={a}
                size="sm"
                variant={a === "delete" || a === "force-stop" ? "danger" : a === "start" ? "primary" : "secondary"}
                disabled={!allowed || busy}
                title={
                  allowed
                    ? `Show the commands to ${ACTION_LABEL[a].toLowerCase()}`
                    : `Not possible while the guest is ${state?.state ?? "being read"}`
                }
                onClick={() => choose(a)}
                data-testid={`guest-action-${a}`}
              >
                {ACTION_LABEL[a]}
                {a === "delete" ? "…" : ""}
              </Button>
            );
          })}
        </div>
        {open && (
          <GuestActionPanel
            key={open.n}
            guestId={guestId}
            guestName={guestName}
            action={open.action}
            onClose={() => {
              setBusy(false);
              setOpen(null);
            }}
            onStarted={() => setBusy(true)}
            onFinished={(s) => onFinished(open.action, s)}
            onForceStop={() => choose("force-stop")}
          />
        )}
      </div>
    </Card>
  );
}
