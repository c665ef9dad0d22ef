import type { Metadata } from "next";
import { JobsTable } from "@/components/jobs/jobs-table";
import { PageHeader } from "@/components/layout/page-header";
import { Card } from "@/components/ui/card";

export const metadata: Metadata = { title: "Jobs" };

export default function JobsPage() {
  return (
    <>
      <PageHeader title="Jobs" subtitle="Every probe and change run on a host, newest first. Open one to watch it live." />
      <Card bodyClassName="p-0">
        <JobsTable limit={100} />
      </Card>
    </>
  );
}
