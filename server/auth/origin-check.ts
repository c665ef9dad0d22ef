// Mutations refuse cross-site requests: a POST must be JSON (a form post cannot set that
// content type without a CORS preflight) and carry an Origin equal to the host it was
// sent to or to one listed in LABDECK_ALLOWED_ORIGINS.

export interface OriginCheckInput {
  method: string;
  origin: string | undefined;
  host: string | undefined;
  contentType: string | undefined;
  allowedOrigins: readonly string[];
}

export type OriginCheckResult = { ok: true } | { ok: false; reason: string };

/** The Origin is the host the request was sent to, or one listed. Also used for console WebSockets. */
export function checkOrigin(origin: string | undefined, host: string | undefined, allowedOrigins: readonly string[]): OriginCheckResult {
  if (!origin) return { ok: false, reason: "missing Origin header" };
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return { ok: false, reason: "malformed Origin header" };
  }
  if (host && originHost === host) return { ok: true };
  if (allowedOrigins.includes(origin)) return { ok: true };
  return { ok: false, reason: `cross-site request from ${origin} refused` };
}

export function checkMutationOrigin(input: OriginCheckInput): OriginCheckResult {
  if (input.method === "GET" || input.method === "HEAD" || input.method === "OPTIONS") return { ok: true };
  const type = (input.contentType ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") return { ok: false, reason: "mutations accept application/json only" };
  return checkOrigin(input.origin, input.host, input.allowedOrigins);
}
