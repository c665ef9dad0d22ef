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

export function checkMutationOrigin(input: OriginCheckInput): OriginCheckResult {
  if (input.method === "GET" || input.method === "HEAD" || input.method === "OPTIONS") return { ok: true };
  const type = (input.contentType ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") return { ok: false, reason: "mutations accept application/json only" };
  if (!input.origin) return { ok: false, reason: "missing Origin header" };
  let originHost: string;
  try {
    originHost = new URL(input.origin).host;
  } catch {
    return { ok: false, reason: "malformed Origin header" };
  }
  if (input.host && originHost === input.host) return { ok: true };
  if (input.allowedOrigins.includes(input.origin)) return { ok: true };
  return { ok: false, reason: `cross-site request from ${input.origin} refused` };
}
