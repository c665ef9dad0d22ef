"use client";

import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useState } from "react";
import { useCan } from "../auth/session";
import { PageHeader } from "../layout/page-header";
import { useTRPC } from "../trpc-provider";
import { errorCode, errorMessage } from "../trpc-errors";
import { Button, buttonClass } from "../ui/button";
import { Card } from "../ui/card";
import { Loading, Notice } from "../ui/states";
import { GuestActions } from "./guest-actions";
import { GuestStateBadge } from "./guest-state-badge";
import { GuestSummary } from "./guest-summary";
import { useGuestStates } from "./use-guest-states";

const ConsolePanel = dynamic(() => import("../console/console-panel").then((m) => m.ConsolePanel), {
  ssr: false,
  loading: () => <Loading label="Loading the console…" />,
});

export function GuestDetail({ guestId }: { guestId: string }) {
  const trpc = useTRPC();
  const canChange = useCan("operator");
  const guest = useQuery(trpc.guests.get.queryOptions({ id: guestId }));
  const states = useGuestStates(guest.data ? [guestId] : []);
  const [showConsole, setShowConsole] = useState(false);
  if (guest.isPending) return <Loading label="Loading guest…" />;
  if (guest.isError) {
    return (
      <Notice tone="error" title={errorCode(guest.error) === "NOT_FOUND" ? "No such guest" : "Could not load the guest"}>
        {errorMessage(guest.error)}
      </Notice>
    );
  }
  const g = guest.data;
  const state = states.data?.[g.id];
  return (
    <div className="space-y-4">
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            <span data-testid="guest-name">{g.name}</span>
            <GuestStateBadge view={state} />
          </span>
        }
        subtitle={
          <>
            on{" "}
            <Link href={`/hosts/${g.hostId}`} className="text-blue-700 hover:underline">
              {g.hostName}
            </Link>
          </>
        }
        actions={
          <>
            <Button onClick={() => setShowConsole((s) => !s)} data-testid="guest-console-toggle">
              {showConsole ? "Hide console" : "Show console here"}
            </Button>
            <Link href={`/guests/${g.id}/console`} className={buttonClass("secondary")} data-testid="guest-console-link">
              Open console
            </Link>
            {canChange && (
              <Link href={`/guests/${g.id}/edit`} className={buttonClass("secondary")} data-testid="guest-edit">
                Edit
              </Link>
            )}
          </>
        }
      />
      {states.isError && <Notice tone="warning">Could not read the state: {errorMessage(states.error)}</Notice>}
      {showConsole && (
        <Card title="Serial console" bodyClassName="p-0">
          <ConsolePanel guestId={g.id} height="h-80" />
        </Card>
      )}
      <div className="grid gap-4 lg:grid-cols-2">
        <GuestSummary guest={g} />
        {canChange ? (
          <GuestActions guestId={g.id} guestName={g.name} state={state} />
        ) : (
          <Card title="Lifecycle">
            <p className="text-slate-600">Starting and stopping guests needs the operator role.</p>
          </Card>
        )}
      </div>
    </div>
  );
}
