"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { useTRPC } from "../trpc-provider";
import { fieldErrors, formError, retryAfterSeconds } from "../trpc-errors";
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

  // Backoff (TOO_MANY_REQUESTS): the button waits out the seconds the server named.
  const [waitUntil, setWaitUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: (user) => {
        queryClient.setQueryData(trpc.auth.me.queryKey(), user);
        router.replace(next);
      },
      onError: (err) => {
        const seconds = retryAfterSeconds(err);
        if (seconds !== null) {
          setNow(Date.now());
          setWaitUntil(Date.now() + seconds * 1000);
        }
      },
    }),
  );
  const waitSeconds = Math.max(0, Math.ceil((waitUntil - now) / 1000));
  useEffect(() => {
    if (waitSeconds === 0) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [waitSeconds]);
  const errors = fieldErrors(signIn.error);
  const limited = retryAfterSeconds(signIn.error) !== null;
  const message = limited
    ? waitSeconds > 0
      ? `Too many failed sign-ins; try again in ${waitSeconds} s.`
      : "You may try again now."
    : formError(signIn.error, ["username", "password"]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ username, password });
  };

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate>
      <Field label="User name" htmlFor="username" error={errors.username}>
        <Input
          id="username"
          name="username"
          autoComplete="username"
          autoFocus
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          invalid={!!errors.username}
        />
      </Field>
      <Field label="Password" htmlFor="password" error={errors.password}>
        <Input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          invalid={!!errors.password}
        />
      </Field>
      {message && (
        <Notice tone="error" testId="sign-in-error">
          {message}
        </Notice>
      )}
      <Button
        type="submit"
        variant="primary"
        className="w-full"
        pending={signIn.isPending}
        disabled={!username || !password || waitSeconds > 0}
        data-testid="sign-in-submit"
      >
        Sign in
      </Button>
    </form>
  );
}
