import crypto from "node:crypto";

// The cookie carries a random token; the database keeps only its SHA-256, so a copy of the
// database cannot be replayed as a session.

/** The cookie's name over plain http (loopback, tests). */
export const SESSION_COOKIE = "labdeck_session";
/** Its name over HTTPS: the prefix makes the browser insist on Secure, Path=/ and no Domain. */
export const SECURE_SESSION_COOKIE = "__Host-labdeck_session";
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

export function newSessionToken(): string {
  return crypto.randomBytes(32).toString("base64url");
}

export function sessionIdFromToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

export function sessionCookie(token: string, opts: { secure: boolean; maxAgeMs: number }): string {
  const parts = [
    `${opts.secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${Math.floor(opts.maxAgeMs / 1000)}`,
  ];
  if (opts.secure) parts.push("Secure");
  return parts.join("; ");
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie("", { secure, maxAgeMs: 0 });
}

/**
 * The first cookie of that name. A value that is not valid percent-encoding is treated as
 * absent: the cookie header is the client's text, and a bad one must not become a 500.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}
