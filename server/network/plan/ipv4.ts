// IPv4 prefixes as the kernel and iptables print them. A rule or route is compared with
// the host by its printed text, so a value the user typed ("192.168.5.7/24", a bare
// address) must first take the form the tools print ("192.168.5.0/24", "/32" added by
// iptables, dropped by ip route): otherwise a plan would never see its own effect as
// in place and would add the same thing again.

const OCTETS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function ipv4ToNumber(text: string): number | null {
  const m = OCTETS.exec(text);
  if (!m) return null;
  const parts = m.slice(1, 5).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

export function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}

function mask(length: number): number {
  // A shift by 32 is a no-op in JS, hence the special case; >>> 0 keeps it unsigned.
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

export interface Prefix {
  network: number;
  length: number;
}

/** "a.b.c.d" (a /32), "a.b.c.d/len" or "default"/"all" (a /0); null for anything else. */
export function parsePrefix(text: string): Prefix | null {
  if (text === "default" || text === "all") return { network: 0, length: 0 };
  const [addr, len, ...rest] = text.split("/");
  if (rest.length > 0 || addr === undefined) return null;
  const ip = ipv4ToNumber(addr);
  if (ip === null) return null;
  const length = len === undefined ? 32 : /^\d{1,2}$/.test(len) ? Number(len) : NaN;
  if (!(length >= 0 && length <= 32)) return null;
  return { network: (ip & mask(length)) >>> 0, length };
}

export function prefixContains(p: Prefix, ip: number): boolean {
  return ((ip & mask(p.length)) >>> 0) === p.network;
}

function need(text: string): Prefix {
  const p = parsePrefix(text);
  // Inputs reach here already checked by ZNetOp; a failure is a programming error.
  if (!p) throw new Error(`not an IPv4 prefix: ${text}`);
  return p;
}

/** As iptables-save prints -s/-d: always with a length, host bits cleared. */
export function iptablesPrefix(text: string): string {
  const p = need(text);
  return `${numberToIpv4(p.network)}/${p.length}`;
}

/** As `ip route`/`ip rule` print a destination: "default", a bare host, or network/len. */
export function routePrefix(text: string): string {
  const p = need(text);
  if (p.length === 0) return "default";
  return p.length === 32 ? numberToIpv4(p.network) : `${numberToIpv4(p.network)}/${p.length}`;
}
