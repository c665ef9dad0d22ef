import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@/server/api/root";
import { RequestRefusedError } from "./trpc-fetch";

// Reading the server's error shape (server/api/trpc.ts errorFormatter): zod's flattened
// errors, the input `field` a domain error names, and the Labdeck error code.

export type ApiError = TRPCClientError<AppRouter>;

export function asApiError(err: unknown): ApiError | null {
  return err instanceof TRPCClientError ? (err as ApiError) : null;
}

export function errorStatus(err: unknown): number | null {
  const api = asApiError(err);
  // A request refused before tRPC saw it (trpc-fetch.ts) has no tRPC data, only its status.
  if (api?.cause instanceof RequestRefusedError) return api.cause.status;
  return api?.data?.httpStatus ?? null;
}

export function errorCode(err: unknown): string | null {
  return asApiError(err)?.data?.code ?? null;
}

export function labdeckCode(err: unknown): string | null {
  return asApiError(err)?.data?.labdeckCode ?? null;
}

function stripFieldPrefix(message: string, field: string): string {
  return message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}

/** Field name -> first message, from zod (input validation) and from domain errors. */
export function fieldErrors(err: unknown): Record<string, string> {
  const data = asApiError(err)?.data;
  const out: Record<string, string> = {};
  if (!data) return out;
  const zodFields = (data.zodError?.fieldErrors ?? {}) as Record<string, string[] | undefined>;
  for (const [field, messages] of Object.entries(zodFields)) {
    const first = messages?.[0];
    if (first) out[field] = first;
  }
  if (data.field && err instanceof Error) out[data.field] = stripFieldPrefix(err.message, data.field);
  return out;
}

/** A readable message for anything not shown beside a field, or null when it all was. */
export function formError(err: unknown, shownFields: readonly string[] = []): string | null {
  if (!err) return null;
  const api = asApiError(err);
  if (!api) return err instanceof Error ? err.message : String(err);
  const fields = fieldErrors(err);
  const unshown = Object.entries(fields).filter(([f]) => !shownFields.includes(f));
  const formErrors = api.data?.zodError?.formErrors ?? [];
  if (Object.keys(fields).length > 0 && unshown.length === 0 && formErrors.length === 0) return null;
  if (unshown.length > 0) return unshown.map(([f, m]) => `${f}: ${m}`).join("; ");
  if (formErrors.length > 0) return formErrors.join("; ");
  return api.message;
}

/** The message for an error shown on its own (no form around it). */
export function errorMessage(err: unknown): string {
  return formError(err) ?? (err instanceof Error ? err.message : String(err));
}

/** Seconds until a RATE_LIMITED request may be tried again (server/services/auth-service.ts), or null. */
export function retryAfterSeconds(err: unknown): number | null {
  const api = asApiError(err);
  if (api?.data?.labdeckCode !== "RATE_LIMITED") return null;
  const value = (api.data.details as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  return typeof value === "number" && value > 0 ? value : null;
}
