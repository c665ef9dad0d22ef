"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useCan } from "../auth/session";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { buttonClass } from "../ui/button";
import { Empty, Loading, Notice } from "../ui/states";
import { Table, Td, Th, THead, Tr } from "../ui/table";
import { RelativeTime } from "../ui/time";
import { HostKeyBadge } from "./host-key-badge";

export function HostsTable() {
  const trpc = useTRPC();
  const canAdd = useCan("operator");
  const hosts = useQuery(trpc.hosts.list.queryOptions());
  if (hosts.isPending) return <Loading label="Loading hosts…" className="px-4" />;
  if (hosts.isError)
    return (
      <Notice tone="error" className="m-3">
        {errorMessage(hosts.error)}
      </Notice>
    );
  if (hosts.data.length === 0) {
    return (
      <Empty
        className="m-3"
        action={
          canAdd && (
            <Link href="/hosts/new" className={buttonClass("primary", "sm")}>
              Add host
            </Link>
          )
        }
      >
        No hosts yet. {canAdd ? "Add the first one: any Linux machine you can reach over SSH." : "An operator can add one."}
      </Empty>
    );
  }
  return (
    <Table>
      <THead>
        <tr>
          <Th>Name</Th>
          <Th>Address</Th>
          <Th>User</Th>
          <Th>Host key</Th>
          <Th>Capabilities</Th>
          <Th>Probed</Th>
        </tr>
      </THead>
      <tbody>
        {hosts.data.map((h) => (
          <Tr key={h.id} data-testid="host-row" data-host-name={h.name}>
            <Td>
              <Link href={`/hosts/${h.id}`} className="font-medium text-blue-700 hover:underline" data-testid="host-link">
                {h.name}
              </Link>
            </Td>
            <Td className="font-mono text-xs">
              {h.address}:{h.port}
            </Td>
            <Td className="font-mono text-xs">{h.username}</Td>
            <Td>
              <HostKeyBadge fingerprint={h.hostKeyFingerprint} />
            </Td>
            <Td className="text-xs text-slate-700">{h.capabilitySummary ?? <span className="text-slate-400">not probed</span>}</Td>
            <Td className="text-xs text-slate-600">{h.probedAt ? <RelativeTime date={h.probedAt} /> : "never"}</Td>
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}
