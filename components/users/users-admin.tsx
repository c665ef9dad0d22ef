"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Role, UserRow } from "../api-types";
import { ROLES } from "@/lib/roles";
import { useSession } from "../auth/session";
import { PageHeader } from "../layout/page-header";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { ConfirmDialog } from "../ui/dialog";
import { Select } from "../ui/input";
import { Loading, Notice } from "../ui/states";
import { Table, Td, Th, THead, Tr } from "../ui/table";
import { RelativeTime } from "../ui/time";
import { UserCreateForm } from "./user-create-form";

export function UsersAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useSession();
  const isAdmin = me.role === "admin";
  const users = useQuery(trpc.users.list.queryOptions(undefined, { enabled: isAdmin }));
  const [removing, setRemoving] = useState<UserRow | null>(null);
  const refresh = () => void queryClient.invalidateQueries(trpc.users.list.queryFilter());
  const setRole = useMutation(trpc.users.setRole.mutationOptions({ onSettled: refresh }));
  const remove = useMutation(
    trpc.users.remove.mutationOptions({
      onSuccess: () => {
        setRemoving(null);
        refresh();
      },
    }),
  );

  if (!isAdmin) {
    return (
      <>
        <PageHeader title="Users" />
        <Notice tone="warning" title="Managing users needs the admin role" testId="users-needs-admin">
          You are signed in as {me.role}. Ask an admin to add people or change roles.
        </Notice>
      </>
    );
  }
  return (
    <div className="space-y-4">
      <PageHeader
        title="Users"
        subtitle="Viewers read everything; operators add hosts and apply changes; admins also manage users, remove hosts and re-pin keys."
      />
      <Card title="Add a user">
        <UserCreateForm />
      </Card>
      <Card bodyClassName="p-0">
        {setRole.error && (
          <Notice tone="error" className="m-3">
            Role not changed: {errorMessage(setRole.error)}
          </Notice>
        )}
        {users.isPending ? (
          <Loading className="px-4" />
        ) : users.isError ? (
          <Notice tone="error" className="m-4">
            {errorMessage(users.error)}
          </Notice>
        ) : (
          <Table>
            <THead>
              <tr>
                <Th>User</Th>
                <Th>Role</Th>
                <Th>Created</Th>
                <Th />
              </tr>
            </THead>
            <tbody>
              {users.data.map((u) => (
                <Tr key={u.id} data-testid="user-row" data-username={u.username}>
                  <Td className="font-medium">
                    {u.username} {u.id === me.id && <span className="text-xs text-slate-500">(you)</span>}
                  </Td>
                  <Td>
                    <Select
                      className="w-32"
                      value={u.role}
                      disabled={setRole.isPending}
                      onChange={(e) => setRole.mutate({ id: u.id, role: e.target.value as Role })}
                      data-testid="user-role"
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </Select>
                  </Td>
                  <Td className="text-xs text-slate-600">
                    <RelativeTime date={u.createdAt} />
                  </Td>
                  <Td className="text-right">
                    <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setRemoving(u)} data-testid="user-remove">
                      Remove…
                    </Button>
                  </Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing?.username ?? ""}?`}
        confirmLabel="Remove user"
        danger
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
        onConfirm={() => removing && remove.mutate({ id: removing.id })}
        onCancel={() => {
          remove.reset();
          setRemoving(null);
        }}
      >
        <p>Their sessions end at once. Jobs and audit entries keep their name.</p>
      </ConfirmDialog>
    </div>
  );
}
