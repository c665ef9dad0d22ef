"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { AuditFilter } from "../api-types";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Empty, Loading, Notice } from "../ui/states";
import { Table, Th, THead } from "../ui/table";
import { AuditFilters, NO_FILTER, type AuditFilterState } from "./audit-filters";
import { AuditRow } from "./audit-row";

function toInput(f: AuditFilterState): Omit<AuditFilter, "cursor"> {
  return {
    ...(f.username ? { username: f.username } : {}),
    ...(f.hostId ? { hostId: f.hostId } : {}),
    ...(f.kind ? { kind: f.kind } : {}),
    ...(f.command.trim() ? { command: f.command.trim() } : {}),
    ...(f.from ? { from: new Date(f.from) } : {}),
    ...(f.to ? { to: new Date(f.to) } : {}),
    failedOnly: f.failedOnly,
    limit: 50,
  };
}

export function AuditLog() {
  const trpc = useTRPC();
  const [filter, setFilter] = useState<AuditFilterState>(NO_FILTER);
  const audit = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(toInput(filter), { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );
  const items = audit.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="space-y-4">
      <Card>
        <AuditFilters value={filter} onChange={setFilter} />
      </Card>
      <Card bodyClassName="p-0">
        {audit.isPending ? (
          <Loading label="Loading the audit log…" className="px-4" />
        ) : audit.isError ? (
          <Notice tone="error" className="m-4">
            {errorMessage(audit.error)}
          </Notice>
        ) : items.length === 0 ? (
          <Empty className="m-4">Nothing matches these filters.</Empty>
        ) : (
          <Table>
            <THead>
              <tr>
                <Th>Time</Th>
                <Th>User</Th>
                <Th>Action</Th>
                <Th>Host</Th>
                <Th>Command / details</Th>
                <Th>Exit</Th>
                <Th>Outcome</Th>
                <Th>Duration</Th>
                <Th />
              </tr>
            </THead>
            <tbody>
              {items.map((item) => (
                <AuditRow key={item.id} item={item} match={filter.command} />
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      {audit.hasNextPage && (
        <Button pending={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()} data-testid="audit-load-more">
          Load more
        </Button>
      )}
    </div>
  );
}
