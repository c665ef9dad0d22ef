"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Role } from "../api-types";
import { ROLES } from "@/lib/roles";
import { useTRPC } from "../trpc-provider";
import { fieldErrors, formError } from "../trpc-errors";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { Input, Select } from "../ui/input";
import { Notice } from "../ui/states";

export function UserCreateForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: () => {
        setUsername("");
        setPassword("");
        void queryClient.invalidateQueries(trpc.users.list.queryFilter());
      },
    }),
  );
  const errors = fieldErrors(create.error);
  const message = formError(create.error, ["username", "password", "role"]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ username: username.trim(), password, role });
  };
  return (
    <form onSubmit={submit} className="space-y-3" noValidate data-testid="user-create-form">
      <div className="flex flex-wrap items-start gap-3">
        <Field label="User name" htmlFor="new-username" error={errors.username} className="w-48">
          <Input
            id="new-username"
            autoComplete="off"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            invalid={!!errors.username}
          />
        </Field>
        <Field label="Password" htmlFor="new-password" error={errors.password} hint="at least 10 characters" className="w-56">
          <Input
            id="new-password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            invalid={!!errors.password}
          />
        </Field>
        <Field label="Role" htmlFor="new-role" error={errors.role} className="w-36">
          <Select id="new-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </Select>
        </Field>
        <Button
          type="submit"
          variant="primary"
          className="mt-5"
          pending={create.isPending}
          disabled={!username || !password}
          data-testid="user-create-submit"
        >
          Create user
        </Button>
      </div>
      {message && <Notice tone="error">{message}</Notice>}
      {create.isSuccess && (
        <Notice tone="success">
          Created {create.data.username} ({create.data.role}). Give them the password over a channel you trust.
        </Notice>
      )}
    </form>
  );
}
