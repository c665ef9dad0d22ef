import { IPV4 } from "../../../lib/ipv4";
import { IFNAME, UNIX_NAME } from "../../../lib/names";
import { escapeUnsafe } from "../../../lib/safe-text";

// Every value written into a persistence file comes from a host read, not from a form,
// and ifupdown hands each `up`/`down` line to /bin/sh. A link named `x;reboot` is not
// possible in the kernel, but a name or address this module has not checked must never
// reach such a line: each word is matched against a pattern that admits no shell
// metacharacter, and a value that fails is left out of the file with a comment instead.

// Loose on purpose (ip prints compressed forms); the point is the character set.
// The first class lacks ":" so the split at the first colon is the only one: with ":" in
// both classes a long run of colons is tried at every split (quadratic).
const IPV6 = /^[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*$/;

export function isIfName(v: string): boolean {
  return IFNAME.test(v);
}

export function isIpAddress(v: string): boolean {
  return IPV4.test(v) || (v.length <= 45 && IPV6.test(v));
}

/** "10.0.0.0/8", "fd00::/64" or a bare address. */
export function isIpPrefix(v: string): boolean {
  const [addr, len, ...rest] = v.split("/");
  if (rest.length > 0 || addr === undefined || !isIpAddress(addr)) return false;
  if (len === undefined) return true;
  return /^\d{1,3}$/.test(len) && Number(len) <= (IPV4.test(addr) ? 32 : 128);
}

/** A route or rule destination as ip prints it. */
export function isRouteDst(v: string): boolean {
  return v === "default" || isIpPrefix(v);
}

/** ip's keywords (protocol, scope, route type, rule action): letters, digits, _ and -. */
export function isKeyword(v: string): boolean {
  return /^[A-Za-z0-9_-]{1,32}$/.test(v);
}

export function isUnixName(v: string): boolean {
  return UNIX_NAME.test(v);
}

/** "0x2" or "0x2/0xff", as ip prints a fwmark. */
export function isFwmark(v: string): boolean {
  return /^0x[0-9a-fA-F]{1,8}(\/0x[0-9a-fA-F]{1,8})?$/.test(v);
}

/**
 * A name quoted for a comment line: comments are never executed, but stay on one line.
 * JSON escapes C0 but leaves DEL, C1 (NEL), U+2028/9 and bidi controls raw: escaped too.
 */
export function quoted(v: string): string {
  return escapeUnsafe(JSON.stringify(v));
}
