// MAC addresses for guest NICs. We use QEMU's own prefix 52:54:00: its first octet 0x52
// already has the locally-administered bit set and the multicast bit clear, so every
// address is a valid unicast LAA, and tools (arp tables, DHCP logs) show it as a QEMU
// guest, as libvirt's are. What must not break: never return a multicast address, and
// never one already in use on the host (a duplicate MAC on a bridge breaks both guests).
import { randomBytes } from "node:crypto";
import { LabdeckError } from "../../errors";
import { normaliseMac } from "../../../lib/mac";

export const QEMU_MAC_PREFIX = "52:54:00";

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
