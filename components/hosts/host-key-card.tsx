"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { HostView } from "../api-types";
import { useSession } from "../auth/session";
import { roleAllows } from "@/lib/roles";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Notice } from "../ui/states";
import { RelativeTime } from "../ui/time";
import { HostKeyBadge } from "./host-key-badge";
import { ScanResult } from "./scan-result";

/** First contact (check, compare, pin) and the admin's re-pin after a legitimate key change. */
export function HostKeyCard({
  host,
  onPinned,
  onRepinned,
  reportError,
}: {
  host: HostView;
  /** First pin: the host page starts a probe. */
  onPinned: () => void;
  onRepinned: () => void;
  reportError: (err: unknown) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { role } = useSession();
  const pinned = host.hostKeyFingerprint !== null;
  const refresh = () => {
    void queryClient.invalidateQueries(trpc.hosts.get.queryFilter({ id: host.id }));
    void queryClient.invalidateQueries(trpc.hosts.list.queryFilter());
  };
  const scan = useMutation(trpc.hosts.scanHostKey.mutationOptions({ onError: reportError }));
  const pin = useMutation(
    trpc.hosts.pinHostKey.mutationOptions({
      onSuccess: () => {
        scan.reset();
        refresh();
        onPinned();
      },
    }),
  );
  const repin = useMutation(
    trpc.hosts.repinHostKey.mutationOptions({
      onSuccess: () => {
        scan.reset();
        refresh();
        onRepinned();
      },
    }),
  );
  const canScan = pinned ? role === "admin" : roleAllows(role, "operator");
  const confirm = pinned ? repin : pin;

  return (
    <Card title="SSH host key" actions={<HostKeyBadge fingerprint={host.hostKeyFingerprint} />} testId="host-key-card">
      <div className="space-y-3">
        {pinned ? (
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
            <dt className="text-xs text-slate-500">Fingerprint</dt>
            <dd className="font-mono text-xs break-all" data-testid="pinned-fingerprint">
              {host.hostKeyFingerprint}
            </dd>
            <dt className="text-xs text-slate-500">Pinned</dt>
            <dd className="text-xs">
              by {host.hostKeyPinnedBy ?? "?"}
              {host.hostKeyPinnedAt && (
                <>
                  {" "}
                  · <RelativeTime date={host.hostKeyPinnedAt} withAbsolute />
                </>
              )}
            </dd>
          </dl>
        ) : (
          <p className="text-slate-700">
            Labdeck will not connect until someone confirms the key this host presents. Check it, then compare it with the host&apos;s own
            key over a channel you trust (console, an existing SSH session).
          </p>
        )}
        {!pinned && !canScan && <Notice tone="info">An operator must confirm this host&apos;s key.</Notice>}
        {canScan && !scan.data && (
          <Button
            variant={pinned ? "secondary" : "primary"}
            pending={scan.isPending}
            onClick={() => scan.mutate({ id: host.id })}
            data-testid="scan-host-key"
          >
            {pinned ? "Re-pin…" : "Check host key"}
          </Button>
        )}
        {scan.error && (
          <Notice tone="error" title="Could not read the host key" testId="scan-error">
            {errorMessage(scan.error)}
          </Notice>
        )}
        {scan.data && (
          <ScanResult
            scan={scan.data}
            pinned={pinned}
            pending={confirm.isPending}
            error={confirm.error}
            onConfirm={() => confirm.mutate({ id: host.id, fingerprint: scan.data.presented })}
            onCancel={() => {
              scan.reset();
              confirm.reset();
            }}
          />
        )}
      </div>
    </Card>
  );
}
