"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { HostView } from "../api-types";
import { useSession } from "../auth/session";
import { roleAllows } from "@/lib/roles";
import { PageHeader } from "../layout/page-header";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Button, buttonClass } from "../ui/button";
import { Card } from "../ui/card";
import { ConfirmDialog } from "../ui/dialog";
import { Notice } from "../ui/states";
import { HostForm } from "./host-form";
import { HostKeyBadge } from "./host-key-badge";

export function HostHeader({ host }: { host: HostView }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { role } = useSession();
  const [editing, setEditing] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const update = useMutation(
    trpc.hosts.update.mutationOptions({
      onSuccess: (updated) => {
        queryClient.setQueryData(trpc.hosts.get.queryKey({ id: host.id }), updated);
        void queryClient.invalidateQueries(trpc.hosts.list.queryFilter());
        setEditing(false);
      },
    }),
  );
  const remove = useMutation(
    trpc.hosts.remove.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries(trpc.hosts.list.queryFilter());
        router.push("/");
      },
    }),
  );

  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            <span data-testid="host-name">{host.name}</span>
            <HostKeyBadge fingerprint={host.hostKeyFingerprint} />
          </span>
        }
        subtitle={
          <span className="font-mono text-xs">
            {host.username}@{host.address}:{host.port} · run dir {host.runDir} · storage roots {host.effectiveRoots.join(", ")}
          </span>
        }
        actions={
          <>
            <Link href={`/hosts/${host.id}/network`} className={buttonClass()} data-testid="host-network-link">
              Network
            </Link>
            <Link href={`/hosts/${host.id}/storage`} className={buttonClass()} data-testid="host-storage-link">
              Storage
            </Link>
            {role === "admin" && (
              <Link href={`/hosts/${host.id}/tools`} className={buttonClass()} data-testid="host-tools-link">
                Admin tools
              </Link>
            )}
            {roleAllows(role, "operator") && !editing && (
              <Button onClick={() => setEditing(true)} data-testid="host-edit">
                Edit
              </Button>
            )}
            {role === "admin" && (
              <Button variant="danger" onClick={() => setConfirmRemove(true)} data-testid="host-remove">
                Remove
              </Button>
            )}
          </>
        }
      />
      {host.rootsProblem && (
        <div className="mb-4 max-w-3xl">
          <Notice tone="warning" title="This host's roots are refused">
            {host.rootsProblem}. Guests and storage on it stay blocked until an admin changes the roots.
          </Notice>
        </div>
      )}
      {editing && (
        <Card
          title="Edit host"
          className="mb-4 max-w-3xl"
          description="Changing the address or port keeps the pinned host key; re-pin if the host itself changed."
        >
          <HostForm
            initial={{
              name: host.name,
              address: host.address,
              port: host.port,
              username: host.username,
              runDir: host.runDir,
              storageRoots: host.storageRoots,
              configRoot: host.configRoot,
              qemuRunAs: host.qemuRunAs,
            }}
            allowKeep
            rootsEditable={role === "admin"}
            submitLabel="Save"
            pending={update.isPending}
            error={update.error}
            onSubmit={(v) => update.mutate({ id: host.id, ...v })}
            onCancel={() => {
              update.reset();
              setEditing(false);
            }}
          />
        </Card>
      )}
      <ConfirmDialog
        open={confirmRemove}
        title={`Remove ${host.name}?`}
        confirmLabel="Remove host"
        danger
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
        onConfirm={() => remove.mutate({ id: host.id })}
        onCancel={() => {
          remove.reset();
          setConfirmRemove(false);
        }}
      >
        <p>
          Labdeck forgets this host, its key and its jobs. Nothing on the host itself is changed; remove Labdeck&apos;s key from its
          authorized_keys by hand.
        </p>
      </ConfirmDialog>
    </>
  );
}
