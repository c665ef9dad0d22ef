"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCan } from "../auth/session";
import { PageHeader } from "../layout/page-header";
import { useTRPC } from "../trpc-provider";
import { Card } from "../ui/card";
import { Notice } from "../ui/states";
import { HostForm } from "./host-form";

export function NewHost() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const canAdd = useCan("operator");
  const isAdmin = useCan("admin");
  const create = useMutation(
    trpc.hosts.create.mutationOptions({
      onSuccess: (host) => {
        void queryClient.invalidateQueries(trpc.hosts.list.queryFilter());
        router.push(`/hosts/${host.id}`);
      },
    }),
  );
  if (!canAdd)
    return (
      <Notice tone="warning" title="Adding hosts needs the operator role">
        Ask an admin to change your role.
      </Notice>
    );
  return (
    <>
      <PageHeader title="Add host" subtitle="A plain Linux host reachable over SSH. Nothing is installed on it." />
      <Card className="max-w-3xl">
        <HostForm
          initial={{
            name: "",
            address: "",
            port: 22,
            username: "root",
            runDir: "/var/lib/labdeck",
            storageRoots: [],
            configRoot: "/",
            qemuRunAs: "",
          }}
          allowKeep={false}
          rootsEditable={isAdmin}
          submitLabel="Add host"
          pending={create.isPending}
          error={create.error}
          onSubmit={(v) => v.key && create.mutate({ ...v, key: v.key })}
          onCancel={() => router.push("/")}
        />
      </Card>
    </>
  );
}
