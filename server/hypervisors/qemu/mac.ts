// MAC addresses for guest NICs. We use QEMU's own prefix 52:54:00: its first octet 0x52
// already has the locally-administered bit set and the multicast bit clear, so every
// address is a valid unicast LAA, and tools (arp tables, DHCP logs) show it as a QEMU
// guest, as libvirt's are. What must not break: never return a multicast address, and
// never one already in use on the host (a duplicate MAC on a bridge breaks both guests).
import { randomBytes } from "node:crypto";
import { LabdeckError } from "../../errors";
import { MAC } from "./guest-definition";

export const QEMU_MAC_PREFIX = "52:54:00";

/** Unicast: the least significant bit of the first octet is clear. */
export function isUnicastMac(mac: string): boolean {
  const first = Number.parseInt(mac.slice(0, 2), 16);
  return MAC.test(mac.toLowerCase()) && (first & 1) === 0;
}

export function isLocallyAdministered(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 2) === 2;
}

/**
 * Why `mac` may not be a guest NIC's address, or null when it may. A multicast address
 * makes the bridge flood the guest's frames, a universally administered one can clash
 * with real hardware (or impersonate it), and 00:00:00:00:00:00 is "no address".
 */
export function macProblem(mac: string): string | null {
  if (!MAC.test(mac)) return `"${mac}" is not a MAC address like 52:54:00:12:34:56 (lowercase, colons)`;
  if (!isUnicastMac(mac)) return `${mac} is a multicast address (the first octet is odd)`;
  if (/^00(:00){5}$/.test(mac)) return `${mac} is the all-zero address`;
  if (!isLocallyAdministered(mac))
    return `${mac} is a universally administered (vendor) address; use a locally administered one such as 52:54:00:…`;
  return null;
}

export function normaliseMac(mac: string): string {
  return mac.trim().toLowerCase().replace(/-/g, ":");
}

/**
 * A fresh 52:54:00:xx:xx:xx address not in `inUse` (compared case-insensitively).
 * `random` is injectable for tests; it must return `n` random bytes.
 */
export function generateMac(inUse: Iterable<string>, random: (n: number) => Uint8Array = (n) => randomBytes(n)): string {
  const taken = new Set([...inUse].map(normaliseMac));
  // 2^24 addresses: a clash is rare, so a bounded number of tries is plenty unless the
  // caller's set is absurd; then fail loudly instead of looping.
  for (let attempt = 0; attempt < 64; attempt++) {
    const b = random(3);
    const mac = [QEMU_MAC_PREFIX, ...[b[0] ?? 0, b[1] ?? 0, b[2] ?? 0].map((x) => x.toString(16).padStart(2, "0"))].join(":");
    if (!taken.has(mac)) return mac;
  }
  throw new LabdeckError("CONFLICT", "could not find an unused MAC address after 64 tries");
}

/** One new MAC per NIC that has none, unique against the host and each other. */
export function fillMacs(
  nics: readonly { mac?: string | undefined }[],
  inUse: Iterable<string>,
  random?: (n: number) => Uint8Array,
): string[] {
  const taken = new Set([...inUse].map(normaliseMac));
  for (const n of nics) if (n.mac !== undefined) taken.add(normaliseMac(n.mac));
  return nics.map((n) => {
    if (n.mac !== undefined) return normaliseMac(n.mac);
    const mac = generateMac(taken, random);
    taken.add(mac);
    return mac;
  });
}
