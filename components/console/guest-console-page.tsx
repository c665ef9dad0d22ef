"use client";

import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import Link from "next/link";
import { GuestStateBadge } from "../guests/guest-state-badge";
import { useGuestStates } from "../guests/use-guest-states";
import { PageHeader } from "../layout/page-header";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Card } from "../ui/card";
import { FillToWindowBottom } from "../ui/fill-to-window-bottom";
import { Loading, Notice } from "../ui/states";

const ConsolePanel = dynamic(() => import("./console-panel").then((m) => m.ConsolePanel), {
  ssr: false,
  loading: () => <Loading label="Loading the console…" />,
});

export function GuestConsolePage({ guestId }: { guestId: string }) {
  const trpc = useTRPC();
  const guest = useQuery(trpc.guests.get.queryOptions({ id: guestId }));
  const states = useGuestStates(guest.data ? [guestId] : []);
  if (guest.isPending) return <Loading label="Loading guest…" />;
  if (guest.isError) return <Notice tone="error">{errorMessage(guest.error)}</Notice>;
  const g = guest.data;
  return (
    <div className="space-y-3">
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            Console of{" "}
            <Link href={`/guests/${g.id}`} className="text-blue-700 hover:underline" data-testid="guest-name">
              {g.name}
            </Link>
            <GuestStateBadge view={states.data?.[g.id]} />
          </span>
        }
        subtitle={`Serial line of ${g.name} on ${g.hostName}; everyone watching sees the same output.`}
      />
      <FillToWindowBottom>
        <Card className="h-full" bodyClassName="h-full p-0">
          <ConsolePanel guestId={g.id} height="fill" />
        </Card>
      </FillToWindowBottom>
    </div>
  );
}
