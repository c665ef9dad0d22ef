"use client";

import Link from "next/link";
import { useSession } from "../auth/session";
import { roleAllows } from "@/lib/roles";
import { DemoCard } from "../demo/demo-card";
import { JobsTable } from "../jobs/jobs-table";
import { PageHeader } from "../layout/page-header";
import { buttonClass } from "../ui/button";
import { Card } from "../ui/card";
import { HostsTable } from "./hosts-table";

export function HostsOverview() {
  const { role } = useSession();
  return (
    <div className="space-y-4">
      <PageHeader
        title="Hosts"
        subtitle="Linux hosts Labdeck manages over SSH."
        actions={
          roleAllows(role, "operator") && (
            <Link href="/hosts/new" className={buttonClass("primary")} data-testid="add-host">
              Add host
            </Link>
          )
        }
      />
      <Card bodyClassName="p-0">
        <HostsTable />
      </Card>
      {role === "admin" && <DemoCard />}
      <Card
        title="Recent jobs"
        bodyClassName="p-0"
        actions={
          <Link href="/jobs" className="text-xs text-blue-700 hover:underline">
            All jobs
          </Link>
        }
      >
        <JobsTable limit={8} />
      </Card>
    </div>
  );
}
