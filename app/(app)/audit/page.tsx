import type { Metadata } from "next";
import { AuditLog } from "@/components/audit/audit-log";
import { PageHeader } from "@/components/layout/page-header";

export const metadata: Metadata = { title: "Audit" };

export default function AuditPage() {
  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle="Every command Labdeck ran on a host, every inventory change and every sign-in, written before its result was shown."
      />
      <AuditLog />
    </>
  );
}
