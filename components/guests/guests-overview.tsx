"use client";

import Link from "next/link";
import { useCan } from "../auth/session";
import { PageHeader } from "../layout/page-header";
import { buttonClass } from "../ui/button";
import { Card } from "../ui/card";
import { GuestsTable } from "./guests-table";

export function GuestsOverview() {
  const canChange = useCan("operator");
  return (
    <div className="space-y-4">
      <PageHeader
        title="Guests"
        subtitle="QEMU/KVM guests Labdeck runs on its hosts. States refresh every few seconds."
        actions={
          canChange && (
            <>
              <Link href="/guests/import" className={buttonClass("secondary")} data-testid="import-guest">
                Import command line
              </Link>
              <Link href="/guests/new" className={buttonClass("primary")} data-testid="new-guest">
                New guest
              </Link>
            </>
          )
        }
      />
      <Card bodyClassName="p-0">
        <GuestsTable
          empty={
            canChange ? "No guests yet. Create one, or import an existing QEMU command line." : "No guests yet. An operator can create one."
          }
        />
      </Card>
    </div>
  );
}
