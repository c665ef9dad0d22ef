"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useCan } from "../auth/session";
import { PageHeader } from "../layout/page-header";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Loading, Notice } from "../ui/states";
import { ScratchCard } from "./scratch-card";

/** Admin tools for one host: checks of the host's whole path that are not lab work. */
export function HostTools({ hostId }: { hostId: string }) {
  const trpc = useTRPC();
  const isAdmin = useCan("admin");
  const host = useQuery(trpc.hosts.get.queryOptions({ id: hostId }));
  if (!isAdmin)
    return (
      <Notice tone="info" testId="tools-needs-admin">
        Admin tools are for admins.
      </Notice>
    );
  if (host.isPending) return <Loading label="Loading host…" />;
  if (host.isError)
    return (
      <Notice tone="error" title="Could not load the host">
        {errorMessage(host.error)}
      </Notice>
    );
  const h = host.data;
  return (
    <div className="space-y-4">
      <PageHeader
        title={<span data-testid="tools-host-name">Admin tools · {h.name}</span>}
        subtitle={
          <span>
            A test change that exercises SSH, the host lock, jobs and the audit log on this host and nothing else.{" "}
            <Link href={`/hosts/${h.id}`} className="text-blue-700 hover:underline">
              Back to the host
            </Link>
          </span>
        }
      />
      <ScratchCard host={h} reportError={() => undefined} />
    </div>
  );
}
