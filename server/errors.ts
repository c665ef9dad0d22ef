// The one domain error of Labdeck. Routers never throw anything else; server/api/trpc.ts
// maps it (and Prisma's "record not found") to tRPC errors in exactly one place.

export type LabdeckErrorCode =
  | "BAD_INPUT" // a value failed its check; `field` names it
  | "NOT_FOUND"
  | "CONFLICT"
  | "FORBIDDEN"
  | "UNAUTHENTICATED"
  | "HOST_KEY_UNKNOWN" // first contact: the user must confirm the fingerprint
  | "HOST_KEY_MISMATCH" // pinned key differs: refused before authentication
  | "SSH_UNREACHABLE"
  | "SSH_AUTH"
  | "SSH_TIMEOUT"
  | "CANCELLED"
  | "RATE_LIMITED" // too many attempts; `details.retryAfterSeconds` says when to try again
  | "INTERNAL";

export class LabdeckError extends Error {
  readonly code: LabdeckErrorCode;
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: LabdeckErrorCode, message: string, opts: { field?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = "LabdeckError";
    this.code = code;
    this.field = opts.field;
    this.details = opts.details;
  }
}

export function badInput(field: string, message: string): LabdeckError {
  return new LabdeckError("BAD_INPUT", `${field}: ${message}`, { field });
}
