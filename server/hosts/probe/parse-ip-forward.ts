// /proc/sys/net/ipv4/ip_forward -> on/off; anything else (unreadable, no IPv4) is unknown.

export function parseIpForward(text: string): boolean | null {
  const v = text.trim();
  if (v === "1") return true;
  if (v === "0") return false;
  return null;
}
