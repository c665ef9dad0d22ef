"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useCan } from "../auth/session";
import { PageHeader } from "../layout/page-header";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Loading, Notice } from "../ui/states";
import { GuestWizard } from "./guest-wizard";
import { formFromDefinition } from "./wizard-model";

export function EditGuest({ guestId }: { guestId: string }) {
  const trpc = useTRPC();
  const canEdit = useCan("operator");
  const guest = useQuery(
    trpc.guests.get.queryOptions({ id: guestId }, { refetchOnWindowFocus: false, staleTime: Number.POSITIVE_INFINITY }),
  );
  if (!canEdit) return <Notice tone="warning">Editing guests needs the operator role.</Notice>;
  if (guest.isPending) return <Loading label="Loading guest…" />;
  if (guest.isError) return <Notice tone="error">{errorMessage(guest.error)}</Notice>;
  const g = guest.data;
  return (
    <div className="space-y-4">
      <PageHeader
        title={
          <>
            Edit{" "}
            <Link href={`/guests/${g.id}`} className="text-blue-700 hover:underline">
              {g.name}
            </Link>
          </>
        }
        subtitle={`on ${g.hostName} · version ${g.version}. Changes apply at the next start.`}
      />
      <GuestWizard key={g.version} initial={formFromDefinition(g.definition, g.hostId)} editing={g} onReload={() => void guest.refetch()} />
    </div>
  );
}
