"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc-provider";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { Input, Select } from "../ui/input";

export interface AuditFilterState {
  username: string;
  hostId: string;
  from: string;
  to: string;
  failedOnly: boolean;
  kind: "" | "command" | "read" | "inventory" | "auth";
  /** Text in a command line, a job's or one inside a read. */
  command: string;
}

export const NO_FILTER: AuditFilterState = { username: "", hostId: "", from: "", to: "", failedOnly: false, kind: "", command: "" };

export function AuditFilters({ value, onChange }: { value: AuditFilterState; onChange: (v: AuditFilterState) => void }) {
  const trpc = useTRPC();
  const users = useQuery(trpc.audit.usernames.queryOptions());
  const hosts = useQuery(trpc.hosts.list.queryOptions());
  const set = <K extends keyof AuditFilterState>(key: K, v: AuditFilterState[K]) => onChange({ ...value, [key]: v });
  return (
    <div className="flex flex-wrap items-end gap-3" data-testid="audit-filters">
      <Field label="User" htmlFor="audit-user" className="w-40">
        <Select id="audit-user" value={value.username} onChange={(e) => set("username", e.target.value)}>
          <option value="">all users</option>
          {users.data?.map((u) => (
            <option key={u} value={u}>
              {u}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Host" htmlFor="audit-host" className="w-44">
        <Select id="audit-host" value={value.hostId} onChange={(e) => set("hostId", e.target.value)}>
          <option value="">all hosts</option>
          {hosts.data?.map((h) => (
            <option key={h.id} value={h.id}>
              {h.name}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Kind" htmlFor="audit-kind" className="w-36">
        <Select id="audit-kind" value={value.kind} onChange={(e) => set("kind", e.target.value as AuditFilterState["kind"])}>
          <option value="">all kinds</option>
          <option value="command">commands</option>
          <option value="read">reads</option>
          <option value="inventory">inventory</option>
          <option value="auth">sign-in</option>
        </Select>
      </Field>
      <Field label="Command" htmlFor="audit-command-search" className="w-52">
        <Input
          id="audit-command-search"
          type="search"
          placeholder="e.g. iptables-save"
          value={value.command}
          onChange={(e) => set("command", e.target.value)}
        />
      </Field>
      <Field label="From" htmlFor="audit-from">
        <Input id="audit-from" type="datetime-local" value={value.from} onChange={(e) => set("from", e.target.value)} />
      </Field>
      <Field label="To" htmlFor="audit-to">
        <Input id="audit-to" type="datetime-local" value={value.to} onChange={(e) => set("to", e.target.value)} />
      </Field>
      <label className="flex h-8 items-center gap-1.5">
        <input
          type="checkbox"
          checked={value.failedOnly}
          onChange={(e) => set("failedOnly", e.target.checked)}
          data-testid="audit-failed-only"
        />
        failed only
      </label>
      <Button size="sm" variant="ghost" className="mb-0.5" onClick={() => onChange(NO_FILTER)}>
        Clear
      </Button>
    </div>
  );
}
