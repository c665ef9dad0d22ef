"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { useTRPC } from "../trpc-provider";
import { fieldErrors, formError } from "../trpc-errors";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { Input } from "../ui/input";
import { Notice } from "../ui/states";
import { safeNext } from "./safe-next";

export function SignInForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const next = safeNext(useSearchParams().get("next"));
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const setup = useQuery(trpc.auth.setupStatus.queryOptions());
  const me = useQuery(trpc.auth.me.queryOptions());

  useEffect(() => {
    if (setup.data?.needsFirstAdmin) router.replace("/setup");
    else if (me.data) router.replace(next);
  }, [setup.data, me.data, router, next]);

  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: (user) => {
        queryClient.setQueryData(trpc.auth.me.queryKey(), user);
        router.replace(next);
      },
    }),
  );
  const errors = fieldErrors(signIn.error);
  const message = formError(signIn.error, ["username", "password"]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ username, password });
  };

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate>
      <Field label="User name" htmlFor="username" error={errors.username}>
        <Input id="username" name="username" autoComplete="username" autoFocus value={username} onChange={(e) => setUsername(e.target.value)} invalid={!!errors.username} />
      </Field>
      <Field label="Password" htmlFor="password" error={errors.password}>
        <Input id="password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} invalid={!!errors.password} />
      </Field>
      {message && <Notice tone="error" testId="sign-in-error">{message}</Notice>}
      <Button type="submit" variant="primary" className="w-full" pending={signIn.isPending} disabled={!username || !password} data-testid="sign-in-submit">
        Sign in
      </Button>
    </form>
  );
}
