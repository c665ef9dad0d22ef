// IPv4 prefixes as the kernel and iptables print and compare them: 32-bit integers under
// a mask. Anything that is not plain dotted IPv4 comes back null so callers can say
// "cannot evaluate" (the SSH-path guard) or refuse, instead of guessing. A value the user
// typed ("192.168.5.7/24", a bare address) is compared with the host only after taking
// the form the tools print ("192.168.5.0/24"; "/32" added by iptables, dropped by ip
// route): otherwise a plan would never see its own effect as in place. Pure: the server's
// planners and the browser's network editor both import it.

export interface Ipv4Prefix {
  network: number;
  length: number;
}

const OCTETS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Dotted IPv4 as a user may type it, without leading zeros: iproute2 reads "010.0.0.1"
 * as octal (8.0.0.1), so such a value would not be the address the user meant.
 */
export const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

/** An address with prefix length, as `ip addr` takes it: 192.168.2.1/24. */
export function isIpv4Cidr(text: string): boolean {
  const [addr, len, ...rest] = text.split("/");
  return rest.length === 0 && addr !== undefined && isIpv4(addr) && len !== undefined && /^\d{1,2}$/.test(len) && Number(len) <= 32;
}

export function parseIpv4(text: string): number | null {
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
  // `>>> 0` keeps the value unsigned; a shift by 32 is a no-op in JS, hence the special case.
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

/** "default"/"all" (a /0), "a.b.c.d" (a /32) or "a.b.c.d/len"; null for IPv6 or anything unreadable. */
export function parsePrefix(text: string): Ipv4Prefix | null {
  if (text === "default" || text === "all") return { network: 0, length: 0 };
  const [addr, len, ...rest] = text.split("/");
  if (rest.length > 0 || addr === undefined) return null;
  const ip = parseIpv4(addr);
  if (ip === null) return null;
  const length = len === undefined ? 32 : /^\d{1,2}$/.test(len) ? Number(len) : NaN;
  if (!(length >= 0 && length <= 32)) return null;
  return { network: (ip & mask(length)) >>> 0, length };
}

export function prefixContains(prefix: Ipv4Prefix, ip: number): boolean {
  return (ip & mask(prefix.length)) >>> 0 === prefix.network;
}

/** True/false for a readable prefix, null when the text is not IPv4. */
export function inPrefix(text: string, ip: number): boolean | null {
  const p = parsePrefix(text);
  return p === null ? null : prefixContains(p, ip);
}

/** iptables' interface match: a trailing "+" matches every name with that prefix. */
export function interfaceMatches(pattern: string, name: string): boolean {
  return pattern.endsWith("+") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

function need(text: string): Ipv4Prefix {
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

/** "192.168.2.1/24" -> "192.168.2.0/24"; a bare address is a /32; null when not IPv4 (the subnet a bridge address implies). */
export function subnetOf(cidrOrAddress: string): string | null {
  const [addr, lenText] = cidrOrAddress.split("/");
  if (addr === undefined || !isIpv4(addr)) return null;
  const len = lenText === undefined ? 32 : Number(lenText);
  if (!Number.isInteger(len) || len < 0 || len > 32) return null;
  const size = 2 ** (32 - len);
  const ip = parseIpv4(addr) ?? 0;
  return `${numberToIpv4(Math.floor(ip / size) * size)}/${len}`;
}

/** The same network, whichever host bits either side wrote. */
export function sameSubnet(a: string, b: string): boolean {
  const sa = subnetOf(a);
  return sa !== null && sa === subnetOf(b);
}
