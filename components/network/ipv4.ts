// IPv4 arithmetic the editor needs before anything reaches the server: the subnet a
// bridge address implies (what a NAT rule's -s must be), and whether a rule's source
// names that subnet however iptables-save prints it ("192.168.2.0/24", a bare /32).

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

export function isIpv4Cidr(text: string): boolean {
  const [addr, len, ...rest] = text.split("/");
  return rest.length === 0 && addr !== undefined && isIpv4(addr) && len !== undefined && /^\d{1,2}$/.test(len) && Number(len) <= 32;
}

function toInt(addr: string): number {
  return addr.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

function fromInt(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** "192.168.2.1/24" -> "192.168.2.0/24"; a bare address is a /32; null when not IPv4. */
export function subnetOf(cidrOrAddress: string): string | null {
  const [addr, lenText] = cidrOrAddress.split("/");
  if (addr === undefined || !isIpv4(addr)) return null;
  const len = lenText === undefined ? 32 : Number(lenText);
  if (!Number.isInteger(len) || len < 0 || len > 32) return null;
  const size = 2 ** (32 - len);
  return `${fromInt(Math.floor(toInt(addr) / size) * size)}/${len}`;
}

/** The same network, whichever host bits either side wrote. */
export function sameSubnet(a: string, b: string): boolean {
  const sa = subnetOf(a);
  return sa !== null && sa === subnetOf(b);
}
