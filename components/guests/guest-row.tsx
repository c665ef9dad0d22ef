"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import type { GuestStateView } from "../api-types";
import { Td } from "../ui/table";
import { formatMemory } from "@/lib/bytes";
import { nicAddresses } from "./format";
import { GuestAddresses } from "./guest-addresses";
import { GuestStateBadge } from "./guest-state-badge";
import type { GuestListRow } from "./guest-list-query";

// One guest in the list, and the columns other features add to it. A column that needs
// data per guest (addresses learned from the guests) gets the ids of the rows on screen and
// asks for those only, with a bounded input, exactly like the states: never the whole list.

export interface GuestListColumn<T = unknown> {
  key: string;
  header: ReactNode;
  /** Called once per render of the list with the visible rows' ids (a hook: keep the column list constant). */
  useRowsData: (visibleIds: readonly string[]) => T | undefined;
  cell: (row: GuestListRow, data: T | undefined) => ReactNode;
}

// As ui/table Tr, on a plain <tr>: the virtualiser measures each row through its ref.
const ROW_CLASS = "border-b border-slate-100 last:border-0 hover:bg-slate-50/70";

export function GuestRow({
  guest,
  index,
  showHost,
  state,
  columns,
  columnData,
  measure,
}: {
  guest: GuestListRow;
  index: number;
  showHost: boolean;
  state: GuestStateView | undefined;
  columns: readonly GuestListColumn[];
  columnData: readonly unknown[];
  measure: (el: HTMLTableRowElement | null) => void;
}) {
  const g = guest;
  return (
    <tr className={ROW_CLASS} data-testid="guest-row" data-guest-name={g.name} data-index={index} ref={measure}>
      <Td>
        <Link href={`/guests/${g.id}`} className="font-medium text-blue-700 hover:underline" data-testid="guest-link">
          {g.name}
        </Link>
      </Td>
      {showHost && (
        <Td data-testid="guest-host">
          <Link href={`/hosts/${g.hostId}`} className="text-slate-700 hover:underline">
            {g.hostName}
          </Link>
        </Td>
      )}
      <Td>
        <GuestStateBadge view={state} />
      </Td>
      <Td className="font-mono text-xs" data-testid="guest-hypervisor">
        {g.hypervisor}
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
      {columns.map((c, i) => (
        <Td key={c.key} className="text-xs" data-testid={`guest-col-${c.key}`}>
          {c.cell(g, columnData[i])}
        </Td>
      ))}
      <Td>
        <Link href={`/guests/${g.id}/console`} className="text-blue-700 hover:underline" data-testid="guest-console-link">
          Console
        </Link>
      </Td>
    </tr>
  );
}
