import type { IncomingMessage } from "node:http";
import net from "node:net";
import type { TLSSocket } from "node:tls";
import { SECURE_SESSION_COOKIE, SESSION_COOKIE, readCookie } from "./session-token";

// What a request says about itself that security decisions rest on: the client's address,
// whether it arrived over HTTPS, and its session cookie. Proxy headers (X-Forwarded-For,
// X-Forwarded-Proto) are believed only when the TCP peer is a proxy the admin listed in
// LABDECK_TRUSTED_PROXIES: from anyone else they are client-controlled text.

export type SecureCookieMode = "auto" | "always" | "never";

export interface RequestPolicy {
  /** Origins besides the server's own that may call mutations and be used as Host. */
  allowedOrigins: readonly string[];
  /** Addresses of reverse proxies whose X-Forwarded-* headers are believed. */
  trustedProxies: readonly string[];
  secureCookies: SecureCookieMode;
}

export const DEFAULT_POLICY: RequestPolicy = { allowedOrigins: [], trustedProxies: [], secureCookies: "auto" };

export function splitList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `::ffff:1.2.3.4` and `1.2.3.4` are one client. */
export function normalizeAddress(addr: string): string {
  const a = addr.trim().toLowerCase();
  return a.startsWith("::ffff:") && net.isIPv4(a.slice(7)) ? a.slice(7) : a;
}

function peerAddress(req: IncomingMessage): string {
  return normalizeAddress(req.socket.remoteAddress ?? "");
}

function fromTrustedProxy(req: IncomingMessage, policy: RequestPolicy): boolean {
  const peer = peerAddress(req);
  return peer !== "" && policy.trustedProxies.some((p) => normalizeAddress(p) === peer);
}

function headerValues(req: IncomingMessage, name: string): string[] {
  const raw = req.headers[name];
  const joined = Array.isArray(raw) ? raw.join(",") : (raw ?? "");
  return splitList(joined);
}

/**
 * The client's address: the TCP peer, or behind a trusted proxy the nearest X-Forwarded-For
 * entry that is not itself a trusted proxy (entries further left were written by the client).
 */
export function clientAddress(req: IncomingMessage, policy: RequestPolicy): string {
  const peer = peerAddress(req);
  if (!fromTrustedProxy(req, policy)) return peer;
  const chain = headerValues(req, "x-forwarded-for").map(normalizeAddress);
  const trusted = new Set(policy.trustedProxies.map(normalizeAddress));
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i]!;
    if (!net.isIP(hop)) return peer;
    if (!trusted.has(hop)) return hop;
  }
  return chain[0] ?? peer;
}

/** Direct TLS, or a trusted proxy saying it received HTTPS; the setting can force either way. */
export function requestIsSecure(req: IncomingMessage, policy: RequestPolicy): boolean {
  if (policy.secureCookies === "always") return true;
  if (policy.secureCookies === "never") return false;
  if ((req.socket as Partial<TLSSocket>).encrypted === true) return true;
  if (!fromTrustedProxy(req, policy)) return false;
  return headerValues(req, "x-forwarded-proto").at(-1)?.toLowerCase() === "https";
}

/**
 * Over HTTPS only the `__Host-` cookie counts: the browser guarantees it was set by this
 * origin with Secure and no Domain, so a sibling subdomain or a plain-http page cannot plant
 * a session into it. Over plain http (loopback, tests) the unprefixed name is used.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

export function sessionTokenOf(req: IncomingMessage, policy: RequestPolicy): string | undefined {
  return readCookie(req.headers.cookie, sessionCookieName(requestIsSecure(req, policy)));
}
