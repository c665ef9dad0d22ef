"use client";

import { skipToken, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { HostView, UnmanagedQemu } from "../api-types";
import { useCan } from "../auth/session";
import { storeImport } from "../guests/import-handoff";
import { shellLine } from "@/lib/shell-words";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Empty, Notice } from "../ui/states";

function ProcessRow({ p, onImport, canImport }: { p: UnmanagedQemu; onImport: () => void; canImport: boolean }) {
  return (
    <li className="space-y-1 px-3 py-2" data-testid="unmanaged-process" data-pid={p.pid}>
      <div className="flex items-center gap-2">
        <span className="font-medium">PID {p.pid}</span>
        {p.definition.name && <span className="font-mono text-xs text-slate-600">{p.definition.name}</span>}
        {p.unmapped.length > 0 && <Badge tone="amber">{p.unmapped.length} unmapped option(s)</Badge>}
        {canImport && (
          <Button size="sm" className="ml-auto" onClick={onImport} data-testid="unmanaged-import">
            Import…
          </Button>
        )}
      </div>
      <div className="font-mono text-xs break-all text-slate-700">{shellLine(p.argv)}</div>
    </li>
  );
}

/** QEMU processes on the host that Labdeck did not start (read on demand), each importable. */
export function UnmanagedCard({ host }: { host: HostView }) {
  const trpc = useTRPC();
  const router = useRouter();
  const canImport = useCan("operator");
  const [scan, setScan] = useState(false);
  const pinned = host.hostKeyFingerprint !== null;
  const list = useQuery(trpc.guests.unmanaged.queryOptions(scan ? { hostId: host.id } : skipToken, { staleTime: 0 }));
  const onImport = (p: UnmanagedQemu) => {
    const key = storeImport({
      definition: p.definition,
      unmapped: p.unmapped,
      warnings: p.warnings,
      differences: p.differences,
      hostId: host.id,
    });
    router.push(`/guests/new?import=${key}`);
  };
  return (
    <Card
      title="Unmanaged QEMU processes"
      description="QEMU running on this host that Labdeck did not start"
      testId="unmanaged-card"
      actions={
        <Button
          size="sm"
          disabled={!pinned}
          pending={list.isFetching}
          title={pinned ? "List qemu processes with ps" : "Confirm the host key first"}
          onClick={() => (scan ? void list.refetch() : setScan(true))}
          data-testid="unmanaged-scan"
        >
          Scan
        </Button>
      }
    >
      {!scan ? (
        <p className="text-slate-600">Scan reads the host&apos;s process list (ps and /proc/PID/cmdline; nothing is changed).</p>
      ) : list.isError ? (
        <Notice tone="error">{errorMessage(list.error)}</Notice>
      ) : !list.data ? null : list.data.length === 0 ? (
        <Empty>No unmanaged QEMU processes.</Empty>
      ) : (
        <ul className="divide-y divide-slate-100 rounded border border-slate-200">
          {list.data.map((p) => (
            <ProcessRow key={p.pid} p={p} canImport={canImport} onImport={() => onImport(p)} />
          ))}
        </ul>
      )}
    </Card>
  );
}
