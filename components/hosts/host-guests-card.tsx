"use client";

import Link from "next/link";
import type { HostView } from "../api-types";
import { useCan } from "../auth/session";
import { GuestsTable } from "../guests/guests-table";
import { buttonClass } from "../ui/button";
import { Card } from "../ui/card";

export function HostGuestsCard({ host }: { host: HostView }) {
  const canCreate = useCan("operator");
  return (
    <Card
      title="Guests on this host"
      bodyClassName="p-0"
      testId="host-guests-card"
      actions={
        canCreate && (
          <Link
            href={`/guests/new?host=${encodeURIComponent(host.id)}`}
            className={buttonClass("secondary", "sm")}
            data-testid="host-new-guest"
          >
            New guest
          </Link>
        )
      }
    >
      <GuestsTable hostId={host.id} showHost={false} empty="No Labdeck guests on this host." />
    </Card>
  );
}
