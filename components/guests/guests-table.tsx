"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Empty, Loading, Notice } from "../ui/states";
import { Table, Td, Th, THead, Tr } from "../ui/table";
import { formatMemory, nicAddresses } from "./format";
import { GuestAddresses, useGuestAddressesLive } from "./guest-addresses";
import { GuestStateBadge } from "./guest-state-badge";
import { useGuestStates } from "./use-guest-states";

/** Guests (of one host, or all), each with its live state. */
export function GuestsTable({ hostId, showHost = true, empty }: { hostId?: string; showHost?: boolean; empty: ReactNode }) {
  const trpc = useTRPC();
  const guests = useQuery(trpc.guests.list.queryOptions(hostId ? { hostId } : {}));
  const states = useGuestStates(guests.data?.map((g) => g.id) ?? []);
  useGuestAddressesLive(guests.data?.map((g) => g.hostId) ?? []);
  if (guests.isPending) return <Loading label="Loading guests…" className="px-4" />;
  if (guests.isError) return <Notice tone="error" className="m-3">{errorMessage(guests.error)}</Notice>;
  if (guests.data.length === 0) return <Empty className="m-3">{empty}</Empty>;
  return (
    <div>
      {states.isError && (
        <Notice tone="warning" className="m-3">
          Could not read the guests&apos; states: {errorMessage(states.error)}
        </Notice>
      )}
      <Table>
        <THead>
          <tr>
            <Th>Name</Th>
            {showHost && <Th>Host</Th>}
            <Th>State</Th>
            <Th>Arch</Th>
            <Th>vCPUs</Th>
            <Th>Memory</Th>
            <Th>Disks</Th>
            <Th>Addresses</Th>
            <Th>Console</Th>
          </tr>
        </THead>
        <tbody>
          {guests.data.map((g) => (
            <Tr key={g.id} data-testid="guest-row" data-guest-name={g.name}>
              <Td>
                <Link href={`/guests/${g.id}`} className="font-medium text-blue-700 hover:underline" data-testid="guest-link">
                  {g.name}
                </Link>
              </Td>
              {showHost && (
                <Td>
                  <Link href={`/hosts/${g.hostId}`} className="text-slate-700 hover:underline">
                    {g.hostName}
                  </Link>
                </Td>
              )}
              <Td>
                <GuestStateBadge view={states.data?.[g.id]} />
              </Td>
              <Td className="font-mono">{g.definition.arch}</Td>
              <Td>{g.definition.vcpus}</Td>
              <Td>{formatMemory(g.definition.memoryMiB)}</Td>
              <Td>{g.definition.disks.length}</Td>
              <Td className="text-xs" data-testid="guest-addresses">
                {g.definition.nics.length === 0 && <span className="text-slate-400">no NIC</span>}
                {nicAddresses(g.definition, g.hostName).map((n, i) => (
                  <div key={i} data-testid="guest-nic-address">
                    <span className="font-mono">{n.mac ?? "MAC on save"}</span> <span className="text-slate-500">{n.network}</span>
                    {n.forwards.map((f) => (
                      <div key={f} className="font-mono text-slate-600" data-testid="guest-forward">
                        {f}
                      </div>
                    ))}
                  </div>
                ))}
                {g.definition.nics.length > 0 && <GuestAddresses guestId={g.id} hostId={g.hostId} />}
              </Td>
              <Td>
                <Link href={`/guests/${g.id}/console`} className="text-blue-700 hover:underline" data-testid="guest-console-link">
                  Console
                </Link>
              </Td>
            </Tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}
