"use client";

import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, type ReactNode } from "react";
import { useTRPC } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Button } from "../ui/button";
import { Loading, Notice } from "../ui/states";
import { SessionProvider } from "./session";

/** Sends visitors without a session to /setup (no users yet) or /sign-in, and provides the user. */
export function AuthGuard({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
  const signedOut = me.isSuccess && me.data === null;
  const setup = useQuery(trpc.auth.setupStatus.queryOptions(undefined, { enabled: signedOut }));

  useEffect(() => {
    if (!signedOut || !setup.isSuccess) return;
    if (setup.data.needsFirstAdmin) router.replace("/setup");
    else router.replace(`/sign-in?next=${encodeURIComponent(pathname)}`);
  }, [signedOut, setup.isSuccess, setup.data, router, pathname]);

  if (me.isError || setup.isError) {
    return (
      <div className="mx-auto max-w-xl p-8">
        <Notice tone="error" title="Labdeck could not be reached" action={<Button onClick={() => void me.refetch()}>Retry</Button>}>
          {errorMessage(me.error ?? setup.error)}
        </Notice>
      </div>
    );
  }
  if (!me.data)
    return <Loading label={signedOut ? "Redirecting to sign in…" : "Checking your session…"} className="justify-center py-16" />;
  return <SessionProvider user={me.data}>{children}</SessionProvider>;
}
