import { TRPCError, initTRPC } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import { LabdeckError, type LabdeckErrorCode } from "../errors";
import { roleAllows, type Access } from "../../lib/roles";
import { endedMessage, type SessionEnd } from "../auth/session-events";
import type { Context } from "./context";

// The procedure builders and the one place where domain errors become tRPC errors.
// Every procedure must come from one of the four builders below: each records its access
// in `meta`, and server/api/access.test.ts fails on a procedure without a decision.

export interface Meta {
  access: Access;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      return {
        ...shape,
        data: {
          ...shape.data,
          zodError: cause instanceof ZodError ? z.flattenError(cause) : null,
          field: cause instanceof LabdeckError ? (cause.field ?? null) : null,
          labdeckCode: cause instanceof LabdeckError ? cause.code : null,
          details: cause instanceof LabdeckError ? (cause.details ?? null) : null,
        },
      };
    },
  });

const CODE_MAP: Record<LabdeckErrorCode, TRPCError["code"]> = {
  BAD_INPUT: "BAD_REQUEST",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  FORBIDDEN: "FORBIDDEN",
  UNAUTHENTICATED: "UNAUTHORIZED",
  HOST_KEY_UNKNOWN: "PRECONDITION_FAILED",
  HOST_KEY_MISMATCH: "PRECONDITION_FAILED",
  SSH_UNREACHABLE: "BAD_GATEWAY",
  SSH_AUTH: "BAD_GATEWAY",
  SSH_TIMEOUT: "TIMEOUT",
  CANCELLED: "CLIENT_CLOSED_REQUEST",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  INTERNAL: "INTERNAL_SERVER_ERROR",
};

function isPrismaNotFound(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2025";
}

export function toTRPCError(err: unknown): TRPCError | null {
  if (err instanceof TRPCError) return null;
  if (err instanceof LabdeckError) return new TRPCError({ code: CODE_MAP[err.code], message: err.message, cause: err });
  if (err instanceof ZodError)
    return new TRPCError({
      code: "BAD_REQUEST",
      message: err.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      cause: err,
    });
  if (isPrismaNotFound(err))
    return new TRPCError({ code: "NOT_FOUND", message: "no such record (it may have been removed)", cause: err as Error });
  return null;
}

const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped) throw mapped;
  }
  return result;
});

const enforceAccess = t.middleware(({ ctx, meta, next }) => {
  const access = meta?.access;
  if (!access) throw new TRPCError({ code: "FORBIDDEN", message: "procedure has no access decision" });
  if (access === "public") return next();
  if (!ctx.user || !ctx.sessionId) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in first" });
  if (!roleAllows(ctx.user.role, access)) {
    throw new TRPCError({ code: "FORBIDDEN", message: `this needs the ${access} role; you are ${ctx.user.role}` });
  }
  return next();
});

/**
 * A subscription lives no longer than the session that opened it: sign-out, a role change
 * or the user's removal ends the stream at once with UNAUTHORIZED (the client then finds
 * itself signed out), instead of it streaming on under a role the user no longer has.
 * The resolver also gets `ctx.sessionEnded` to stop its own listeners at the same moment.
 */
const endWithSession = t.middleware(async ({ ctx, type, next }) => {
  if (type !== "subscription" || !ctx.user || !ctx.sessionId) return next();
  const who = { userId: ctx.user.id, sessionId: ctx.sessionId };
  const ended = new AbortController();
  const off = ctx.rt.sessions.onEnd(who, (e) => ended.abort(e));
  const early = ctx.rt.sessions.endedSince(who, ctx.sessionCheckedAt ?? Date.now());
  if (early) ended.abort(early);
  const result = await next({ ctx: { sessionEnded: ended.signal } });
  if (!result.ok || ended.signal.aborted) off();
  if (!result.ok) return result;
  if (ended.signal.aborted)
    throw new TRPCError({ code: "UNAUTHORIZED", message: endedMessage((ended.signal.reason as SessionEnd).reason) });
  return { ...result, data: untilEnded(result.data as AsyncIterable<unknown>, ended.signal, off) };
});

/** The request's signal, also aborted when the session ends (for a subscription's own listeners). */
export function withSessionEnd(signal: AbortSignal | undefined, sessionEnded: AbortSignal | undefined): AbortSignal | undefined {
  const signals = [signal, sessionEnded].filter((s): s is AbortSignal => s !== undefined);
  return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
}

async function* untilEnded<T>(source: AsyncIterable<T>, signal: AbortSignal, off: () => void): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const endedP = new Promise<"ended">((resolve) => {
    if (signal.aborted) resolve("ended");
    else signal.addEventListener("abort", () => resolve("ended"), { once: true });
  });
  try {
    for (;;) {
      const r = await Promise.race([it.next(), endedP]);
      if (r === "ended") throw new TRPCError({ code: "UNAUTHORIZED", message: endedMessage((signal.reason as SessionEnd).reason) });
      if (r.done) return;
      yield r.value;
    }
  } finally {
    off();
    // Not awaited: a generator parked on its own await (no event yet) finishes only when
    // that settles; ctx.sessionEnded lets well-behaved resolvers settle it now.
    void it.return?.(undefined)?.catch(() => undefined);
  }
}

const base = t.procedure.use(mapErrors).use(enforceAccess).use(endWithSession);

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = base.meta({ access: "public" });
export const viewerProcedure = base.meta({ access: "viewer" });
export const operatorProcedure = base.meta({ access: "operator" });
export const adminProcedure = base.meta({ access: "admin" });

/** The audit actor of an authenticated request. */
export function actorOf(ctx: { user: { id: string; username: string } | null; ip: string }) {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in first" });
  return { userId: ctx.user.id, username: ctx.user.username, ip: ctx.ip };
}
