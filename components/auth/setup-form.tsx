"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { useTRPC } from "../trpc-provider";
import { errorMessage, fieldErrors, formError } from "../trpc-errors";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { Input } from "../ui/input";
import { Loading, Notice } from "../ui/states";
import { PublicShell } from "./public-shell";

export function SetupForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.auth.setupStatus.queryOptions(undefined, { refetchOnWindowFocus: false }));
  const [username, setUsername] = useState("admin");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const params = useSearchParams();
  const [token, setToken] = useState(() => params.get("token") ?? "");
  const [mismatch, setMismatch] = useState(false);
  // The token is read once, then dropped from the address bar (and so from history).
  useEffect(() => {
    if (params.get("token") !== null) window.history.replaceState(null, "", "/setup");
  }, [params]);
  const create = useMutation(
    trpc.auth.createFirstAdmin.mutationOptions({
      onSuccess: (user) => {
        queryClient.setQueryData(trpc.auth.me.queryKey(), user);
        router.replace("/");
      },
    }),
  );

  if (status.isPending) return <Loading />;
  if (status.isError) return <Notice tone="error">{errorMessage(status.error)}</Notice>;
  if (!status.data.needsFirstAdmin && !create.isSuccess) {
    return (
      <PublicShell title="Labdeck is set up">
        <p className="text-sm text-slate-700" data-testid="setup-done">
          Its first admin exists.{" "}
          <Link href="/sign-in" className="font-medium underline">
            Sign in
          </Link>
          .
        </p>
      </PublicShell>
    );
  }

  const errors = fieldErrors(create.error);
  const message = formError(create.error, ["username", "password", "token"]);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setMismatch(password !== confirm);
    if (password !== confirm) return;
    create.mutate({ username, password, token: token.trim() });
  };

  return (
    <PublicShell
      title="Create the first admin"
      subtitle="Labdeck has no users yet. This account can add hosts and invite the rest of the team."
    >
      <form onSubmit={onSubmit} className="space-y-3" noValidate>
        <Field label="Admin user name" htmlFor="username" error={errors.username} hint="lowercase letters, digits, _ . -">
          <Input
            id="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            invalid={!!errors.username}
          />
        </Field>
        <Field label="Password" htmlFor="password" error={errors.password} hint="at least 10 characters">
          <Input
            id="password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            invalid={!!errors.password}
          />
        </Field>
        <Field label="Confirm password" htmlFor="confirm" error={mismatch ? "the passwords differ" : null}>
          <Input
            id="confirm"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            invalid={mismatch}
          />
        </Field>
        <Field
          label="Setup token"
          htmlFor="token"
          error={errors.token}
          hint="The one-time token Labdeck printed in its log at start (also in <data dir>/setup-token on the Labdeck machine)."
        >
          <Input
            id="token"
            className="font-mono"
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            invalid={!!errors.token}
          />
        </Field>
        {message && (
          <Notice tone="error" testId="setup-error">
            {message}
          </Notice>
        )}
        <Button
          type="submit"
          variant="primary"
          className="w-full"
          pending={create.isPending}
          disabled={!username || !password || !confirm || !token.trim()}
          data-testid="setup-submit"
        >
          Create admin and sign in
        </Button>
      </form>
    </PublicShell>
  );
}
