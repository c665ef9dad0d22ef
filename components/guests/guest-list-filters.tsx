"use client";

import { useQuery } from "@tanstack/react-query";
import { GUEST_STATES, HYPERVISOR_KINDS } from "@/lib/guest-states";
import { useTRPC } from "../trpc-provider";
import { Input, Select } from "../ui/input";
import type { GuestListQuery, GuestStateFilter, HypervisorFilter } from "./guest-list-query";

const STATES: readonly GuestStateFilter[] = GUEST_STATES;
const HYPERVISORS: readonly HypervisorFilter[] = HYPERVISOR_KINDS;

/** The list's filters; each change goes to the server (guests.page), which filters all guests. */
export function GuestListFilters({
  query,
  onChange,
  showHost,
}: {
  query: GuestListQuery;
  onChange: (q: GuestListQuery) => void;
  showHost: boolean;
}) {
  const trpc = useTRPC();
  const hosts = useQuery({ ...trpc.hosts.list.queryOptions(), enabled: showHost });
  return (
    <div className="flex flex-wrap items-end gap-3 border-b border-slate-200 px-3 py-2 text-xs">
      <label className="flex flex-col gap-1">
        <span className="font-medium text-slate-700">Name contains</span>
        <Input
          value={query.name}
          maxLength={32}
          placeholder="web-"
          data-testid="guest-filter-name"
          onChange={(e) => onChange({ ...query, name: e.target.value })}
        />
      </label>
      {showHost && (
        <label className="flex flex-col gap-1">
          <span className="font-medium text-slate-700">Host</span>
          <Select
            value={query.hostId ?? ""}
            data-testid="guest-filter-host"
            onChange={(e) => onChange({ ...query, hostId: e.target.value || null })}
          >
            <option value="">all hosts</option>
            {hosts.data?.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </Select>
        </label>
      )}
      <label className="flex flex-col gap-1">
        <span className="font-medium text-slate-700">Hypervisor</span>
        <Select
          value={query.hypervisor ?? ""}
          data-testid="guest-filter-hypervisor"
          onChange={(e) => onChange({ ...query, hypervisor: (e.target.value || null) as HypervisorFilter | null })}
        >
          <option value="">any</option>
          {HYPERVISORS.map((h) => (
            <option key={h} value={h}>
              {h}
            </option>
          ))}
        </Select>
      </label>
      <label className="flex flex-col gap-1" title="Matches guests whose state Labdeck has read (the list reads the rows it shows)">
        <span className="font-medium text-slate-700">State (where read)</span>
        <Select
          value={query.state ?? ""}
          data-testid="guest-filter-state"
          onChange={(e) => onChange({ ...query, state: (e.target.value || null) as GuestStateFilter | null })}
        >
          <option value="">any</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </Select>
      </label>
    </div>
  );
}
