"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Empty, Loading, Notice } from "../ui/states";
import { Table, Td, Th, THead, Tr } from "../ui/table";
import { RelativeTime, formatDuration } from "../ui/time";
import { JobStatusBadge, isJobFinished } from "./job-status-badge";

/** Jobs, newest first; polls while any of them is still queued or running. */
export function JobsTable({ hostId, limit = 50, showHost = true }: { hostId?: string; limit?: number; showHost?: boolean }) {
  const trpc = useTRPC();
  const jobs = useQuery(
    trpc.jobs.list.queryOptions(
      { hostId, limit },
      { refetchInterval: (q) => (q.state.data?.some((j) => !isJobFinished(j.status)) ? 2000 : 15_000) },
    ),
  );
  if (jobs.isPending) return <Loading label="Loading jobs…" className="px-4" />;
  if (jobs.isError)
    return (
      <Notice tone="error" className="m-3">
        {errorMessage(jobs.error)}
      </Notice>
    );
  if (jobs.data.length === 0) return <Empty className="m-3">No jobs yet. Probing a host or applying a change creates one.</Empty>;
  return (
    <Table>
      <THead>
        <tr>
          <Th>Status</Th>
          <Th>Job</Th>
          {showHost && <Th>Host</Th>}
          <Th>By</Th>
          <Th>Created</Th>
          <Th>Duration</Th>
        </tr>
      </THead>
      <tbody>
        {jobs.data.map((j) => (
          <Tr key={j.id} data-testid="job-row" data-job-id={j.id}>
            <Td>
              <JobStatusBadge status={j.status} testId="job-row-status" />
            </Td>
            <Td>
              <Link href={`/jobs/${j.id}`} className="font-medium text-blue-700 hover:underline">
                {j.title}
              </Link>
              {j.error && (
                <div className="max-w-[22rem] truncate text-xs text-red-700" title={j.error}>
                  {j.error}
                </div>
              )}
            </Td>
            {showHost && (
              <Td>
                <Link href={`/hosts/${j.hostId}`} className="hover:underline">
                  {j.hostName}
                </Link>
              </Td>
            )}
            <Td>{j.createdBy}</Td>
            <Td>
              <RelativeTime date={j.createdAt} />
            </Td>
            <Td className="text-slate-600">
              {j.startedAt && j.finishedAt ? formatDuration(j.finishedAt.getTime() - j.startedAt.getTime()) : "—"}
            </Td>
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}
