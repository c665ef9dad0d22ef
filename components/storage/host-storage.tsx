"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useRef, useState } from "react";
import { useCan } from "../auth/session";
import { PageHeader } from "../layout/page-header";
import { useTRPC } from "../trpc-provider";
import { errorCode, errorMessage } from "../trpc-errors";
import { Button, buttonClass } from "../ui/button";
import { Loading, Notice } from "../ui/states";
import { FreeDiskTable, ImageTable } from "./disk-tables";
import { LvTable, PvTable, VgTable } from "./lvm-tables";
import { OpPanel, type OpRequest } from "./op-panel";
import type { StorageView } from "./storage-types";

// The storage page of one host: LVM, free disks and image files as read from the host,
// and one form at a time (opened from a row) that previews and applies a change. The
// host is read when the page opens, on "Re-read" and after every job, not on a timer:
// one read runs a command per image file, each of them audited.

export function HostStorage({ hostId }: { hostId: string }) {
  const trpc = useTRPC();
  const canEdit = useCan("operator");
  const read = useQuery(trpc.storage.read.queryOptions({ hostId }, { staleTime: 0, refetchOnWindowFocus: false }));
  const view: StorageView | undefined = read.data;
  const [request, setRequest] = useState<(OpRequest & { seq: number }) | null>(null);
  const nextSeq = useRef(0);
  const reread = useCallback(() => void read.refetch(), [read]);
  // A fresh form each time, even for the same row: an old preview never carries over.
  const onAction = useCallback((r: OpRequest) => {
    setRequest({ ...r, seq: ++nextSeq.current });
    window.scrollTo({ top: 0, behavior: "smooth" });
  }, []);

  if (!view) {
    if (read.isPending) return <Loading label="Reading the host's storage…" />;
    return (
      <Notice
        tone="error"
        title={errorCode(read.error) === "NOT_FOUND" ? "No such host" : "Could not read the host's storage"}
        action={<Button onClick={reread}>Try again</Button>}
      >
        {errorMessage(read.error)}
      </Notice>
    );
  }

  return (
    <div className="space-y-4" data-testid="host-storage">
      <PageHeader
        title={
          <span>
            Storage · <span data-testid="storage-host-name">{view.hostName}</span>
          </span>
        }
        subtitle={
          <span className="text-xs" data-testid="storage-read-at" data-read-at={view.readAt}>
            Read from the host at {new Date(view.readAt).toLocaleTimeString()}; read again after every change.
          </span>
        }
        actions={
          <>
            <Button pending={read.isFetching} onClick={reread} data-testid="storage-reread">
              Re-read
            </Button>
            <Link href={`/hosts/${hostId}`} className={buttonClass()}>
              Host
            </Link>
          </>
        }
      />
      {read.error && <Notice tone="warning">The last re-read failed ({errorMessage(read.error)}); showing the previous one.</Notice>}
      {!view.storage.lvmAvailable && (
        <Notice tone="warning" title="LVM did not answer" testId="lvm-unavailable">
          pvs/vgs/lvs failed on this host: lvm2 is not installed, or Labdeck&apos;s SSH user is not root. Disks and image files are still
          shown.
        </Notice>
      )}
      {request && (
        <OpPanel
          key={request.seq}
          hostId={hostId}
          view={view}
          request={request}
          onClose={() => setRequest(null)}
          onApplied={() => void read.refetch()}
        />
      )}
      <VgTable view={view} canEdit={canEdit} onAction={onAction} />
      <LvTable view={view} canEdit={canEdit} onAction={onAction} />
      <div className="grid gap-4 lg:grid-cols-2">
        <PvTable view={view} canEdit={canEdit} onAction={onAction} />
        <FreeDiskTable view={view} canEdit={canEdit} onAction={onAction} />
      </div>
      <ImageTable view={view} canEdit={canEdit} onAction={onAction} />
    </div>
  );
}
