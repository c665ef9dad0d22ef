"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import superjson from "superjson";
import type { AppRouter } from "@/server/api/root";
import { errorStatus } from "./trpc-errors";
import { trpcFetch } from "./trpc-fetch";

// tRPC is served by the custom Node server at /api/trpc (not a Next route): queries and
// mutations go over batched HTTP, subscriptions (live jobs) over SSE on the same path.
// Queries are sent as POST (methodOverride): a GET carries its input in the URL, and an
// input that grows with the inventory (ids of the guests on screen, a batch of queries)
// then hits Node's 16 KiB header limit (431) instead of a schema's bound. Do not switch
// back to GET without bounding every batched query's URL.

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * A 401 anywhere means the session is gone: refetching auth.me lets the guard redirect.
 * Subscriptions call it too (their errors bypass the query cache): the server ends a live
 * stream with 401 when its session is signed out, demoted or removed.
 */
export function onUnauthorized(client: QueryClient, err: unknown): void {
  if (errorStatus(err) === 401) void client.invalidateQueries({ queryKey: [["auth", "me"]] });
}

function makeQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: (err) => onUnauthorized(client, err) }),
    mutationCache: new MutationCache({ onError: (err) => onUnauthorized(client, err) }),
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // A 4xx is an answer (forbidden, not found, bad input), not a glitch worth repeating.
        retry: (count, err) => {
          const status = errorStatus(err);
          if (status !== null && status >= 400 && status < 500) return false;
          return count < 2;
        },
      },
      mutations: { retry: false },
    },
  });
  return client;
}

let browserClient: QueryClient | undefined;

function getQueryClient(): QueryClient {
  if (typeof window === "undefined") return makeQueryClient();
  browserClient ??= makeQueryClient();
  return browserClient;
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: "/api/trpc", transformer: superjson }),
          false: httpBatchLink({ url: "/api/trpc", transformer: superjson, methodOverride: "POST", fetch: trpcFetch }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
