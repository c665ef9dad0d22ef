import net from "node:net";

// Every request (page, tRPC, WebSocket upgrade) must name, in its Host header, a host this
// Labdeck is meant to be reached at: the address it listens on (loopback names when it
// listens there) or one of LABDECK_ALLOWED_ORIGINS. That is what defeats DNS rebinding: a
// hostile page whose name was re-pointed at 127.0.0.1 still sends its own name as Host.
// A bare IP address cannot be rebound, so a server listening on every interface (0.0.0.0)
// accepts any IP-literal Host on its port; names must be listed.

export interface HostAllowList {
  /** "hostname:port", lowercased, IPv6 in brackets. */
  names: ReadonlySet<string>;
  /** The server's own port when any IP literal is acceptable on it (wildcard listen), else null. */
  anyIpOnPort: number | null;
}

export type HostCheckResult = { ok: true } | { ok: false; status: 400 | 421; reason: string };

const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"];
const DEFAULT_PORTS = ["80", "443"];

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || (net.isIPv4(h) && h.startsWith("127."));
}

function bracket(host: string): string {
  const h = host.toLowerCase();
  return net.isIPv6(h) ? `[${h}]` : h;
}

export function hostAllowList(opts: {
  listenHost: string;
  port: number;
  names?: readonly string[];
  allowedOrigins: readonly string[];
}): HostAllowList {
  const names = new Set<string>();
  const wildcard = ["0.0.0.0", "::", ""].includes(opts.listenHost);
  for (const h of [opts.listenHost, ...(opts.names ?? [])])
    if (h && !["0.0.0.0", "::"].includes(h)) names.add(`${bracket(h)}:${opts.port}`);
  if (wildcard || isLoopback(opts.listenHost)) for (const h of LOOPBACK_NAMES) names.add(`${h}:${opts.port}`);
  for (const origin of opts.allowedOrigins) {
    try {
      const u = new URL(origin);
      names.add(`${u.hostname.toLowerCase()}:${u.port || (u.protocol === "https:" ? "443" : "80")}`);
    } catch {
      // a malformed entry allows nothing (env.ts refuses them at start)
    }
  }
  return { names, anyIpOnPort: wildcard ? opts.port : null };
}

/** Splits a Host header into hostname (IPv6 bracketed) and port (null when absent); null when malformed. */
export function parseHostHeader(value: string): { hostname: string; port: string | null } | null {
  const v = value.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(v);
  if (!m) return null;
  const hostname = m[1]!;
  if (hostname.startsWith("[") && !net.isIPv6(hostname.slice(1, -1))) return null;
  return { hostname, port: m[2] ?? null };
}

export function checkHost(value: string | undefined, allow: HostAllowList): HostCheckResult {
  if (!value) return { ok: false, status: 400, reason: "missing Host header" };
  const parsed = parseHostHeader(value);
  if (!parsed) return { ok: false, status: 400, reason: "malformed Host header" };
  const ports = parsed.port === null ? DEFAULT_PORTS : [parsed.port];
  if (ports.some((p) => allow.names.has(`${parsed.hostname}:${p}`))) return { ok: true };
  const bare = parsed.hostname.replace(/^\[|\]$/g, "");
  if (allow.anyIpOnPort !== null && net.isIP(bare) && ports.includes(String(allow.anyIpOnPort))) return { ok: true };
  return {
    ok: false,
    status: 421,
    reason: `Labdeck is not served as "${value}" here; if this is its address behind a proxy, add that origin to LABDECK_ALLOWED_ORIGINS`,
  };
}
