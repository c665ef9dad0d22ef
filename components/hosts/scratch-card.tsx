"use client";

import { skipToken, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import type { HostView, Operation } from "../api-types";
import { useCan } from "../auth/session";
import { useTRPC } from "../trpc-provider";
import { errorMessage, fieldErrors, formError } from "../trpc-errors";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field } from "../ui/field";
import { Input } from "../ui/input";
import { Empty, Loading, Notice } from "../ui/states";
import { ChangePanel } from "./change-panel";

/**
 * Scratch directories under the host's run directory: list, create, remove via plan -> job.
 * The smallest real change there is, kept as an admin tool to check a host's whole path
 * (SSH, lock, job, audit) without touching anything a guest or the network depends on.
 */
export function ScratchCard({ host, reportError }: { host: HostView; reportError: (err: unknown) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canChange = useCan("admin");
  const pinned = host.hostKeyFingerprint !== null;
  const [name, setName] = useState("");
  const [op, setOp] = useState<Operation | null>(null);
  const list = useQuery(trpc.hosts.scratchList.queryOptions(pinned ? { hostId: host.id } : skipToken));
  const preview = useQuery(trpc.jobs.preview.queryOptions(op ? { hostId: host.id, op } : skipToken, { staleTime: 0 }));

  useEffect(() => {
    if (list.error) reportError(list.error);
  }, [list.error, reportError]);

  const createErrors = op?.kind === "scratch.create" ? fieldErrors(preview.error) : {};
  const nameError = createErrors.name ?? createErrors.op;
  const onShow = (e: FormEvent) => {
    e.preventDefault();
    setOp({ kind: "scratch.create", name: name.trim() });
  };
  const onDone = () => {
    void queryClient.invalidateQueries(trpc.hosts.scratchList.queryFilter({ hostId: host.id }));
    void queryClient.invalidateQueries(trpc.jobs.list.queryFilter());
  };

  return (
    <Card
      title="Scratch directories"
      description={<span className="font-mono">{host.runDir.replace(/\/$/, "")}/scratch</span>}
      testId="scratch-card"
    >
      <div className="space-y-3">
        {!pinned ? (
          <Notice tone="info">Confirm the host key to list and change scratch directories.</Notice>
        ) : list.isPending ? (
          <Loading label="Reading the host…" />
        ) : list.isError ? (
          <Notice
            tone="error"
            title="Could not list scratch directories"
            action={
              <Button size="sm" onClick={() => void list.refetch()}>
                Retry
              </Button>
            }
          >
            {errorMessage(list.error)}
          </Notice>
        ) : list.data.names.length === 0 ? (
          <Empty>No scratch directories.</Empty>
        ) : (
          <ul className="divide-y divide-slate-100 rounded border border-slate-200" data-testid="scratch-list">
            {list.data.names.map((n) => (
              <li key={n} className="flex items-center justify-between px-3 py-1.5" data-testid={`scratch-item-${n}`} data-name={n}>
                <span className="font-mono text-xs">{n}</span>
                {canChange && (
                  <Button
                    size="sm"
                    variant="ghost"
                    className="text-red-700"
                    onClick={() => setOp({ kind: "scratch.remove", name: n })}
                    data-testid={`scratch-remove-${n}`}
                  >
                    Remove…
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
        {pinned && canChange && (
          <form onSubmit={onShow} className="flex items-start gap-2" noValidate>
            <Field label="New directory name" htmlFor="scratch-name" error={nameError} className="flex-1">
              <Input
                id="scratch-name"
                value={name}
                onChange={(e) => {
                  setName(e.target.value);
                  if (op?.kind === "scratch.create") setOp(null);
                }}
                invalid={!!nameError}
                placeholder="exp-1"
              />
            </Field>
            <Button type="submit" className="mt-5" disabled={!name.trim()} data-testid="scratch-show-commands">
              Show commands
            </Button>
          </form>
        )}
        {op && (nameError === undefined || op.kind !== "scratch.create") && (
          <ChangePanel
            key={`${op.kind}:${op.name}`}
            hostId={host.id}
            op={op}
            preview={preview.data}
            previewPending={preview.isPending}
            previewError={formError(preview.error, op.kind === "scratch.create" ? ["name", "op"] : [])}
            onClose={() => setOp(null)}
            onFinished={() => {
              onDone();
              if (op.kind === "scratch.create") setName("");
            }}
            reportError={reportError}
          />
        )}
      </div>
    </Card>
  );
}
