// A guest NIC's MAC address, whatever runs the guest: the one shape (lowercase, colons),
// and the rule for which addresses a guest may have. Pure: the wizard checks with it too.

export const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

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
