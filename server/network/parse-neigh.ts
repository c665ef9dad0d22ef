import { isIPv4, isIPv6 } from "node:net";
import { LabdeckError } from "../errors";
import { parseIpJson } from "../json-output";

// `ip -j neigh show dev BRIDGE`: the addresses the host has seen on a bridge, each with the
// MAC that answered for it. This is how a guest's address on a TAP is learned without
// anything in the guest. The output is hostile (a guest chooses what it answers ARP and
// neighbour discovery with, and a host's ip may print anything): it is size-bounded, every
// entry is checked field by field, addresses are parsed strictly (node's own parsers, no
// pattern of ours), and anything that does not fit is dropped, never passed on.
// What must not break: an entry is kept only with a valid unicast-shaped MAC and a literal
// IPv4 or IPv6 address, in a state where the kernel actually heard from that MAC.

/** The bridge name is checked by the caller (an interface name from a validated definition). */
export function neighShowArgv(bridge: string): string[] {
  return ["ip", "-j", "neigh", "show", "dev", bridge];
}

export interface NeighEntry {
  address: string;
  family: "inet" | "inet6";
  /** Lowercase, colon-separated. */
  mac: string;
  /** The kernel's NUD state: REACHABLE, STALE, DELAY, PROBE or PERMANENT. */
  state: string;
}

/** More than this is not a lab bridge's neighbour table: refuse rather than parse it. */
export const MAX_NEIGH_OUTPUT = 512 * 1024;
export const MAX_NEIGH_ENTRIES = 4096;

/** States in which the kernel has a link-layer address it heard (or was told) for the entry. */
const HEARD = new Set(["REACHABLE", "STALE", "DELAY", "PROBE", "PERMANENT"]);

const HEX = "0123456789abcdef";

/** "52:54:00:aa:bb:01" in lowercase, or null: six two-digit hex groups, nothing else. */
export function normaliseMac(text: unknown): string | null {
  if (typeof text !== "string" || text.length !== 17) return null;
  const mac = text.toLowerCase();
  for (let i = 0; i < 17; i++) {
    const c = mac[i] ?? "";
    if (i % 3 === 2 ? c !== ":" : !HEX.includes(c)) return null;
  }
  return mac;
}

function strictAddress(text: unknown): { address: string; family: "inet" | "inet6" } | null {
  // 45 characters is the longest IPv6 text form (with an embedded IPv4 tail).
  if (typeof text !== "string" || text.length === 0 || text.length > 45) return null;
  if (isIPv4(text)) return { address: text, family: "inet" };
  if (isIPv6(text)) return { address: text.toLowerCase(), family: "inet6" };
  return null;
}

export function parseNeigh(stdout: string): NeighEntry[] {
  if (stdout.length > MAX_NEIGH_OUTPUT) throw new LabdeckError("INTERNAL", `ip neigh: output over ${MAX_NEIGH_OUTPUT} bytes`);
  const raw = parseIpJson("ip neigh", stdout);
  if (!Array.isArray(raw)) throw new LabdeckError("INTERNAL", "ip neigh: output is not a list");
  const out: NeighEntry[] = [];
  for (const e of raw.slice(0, MAX_NEIGH_ENTRIES) as unknown[]) {
    if (typeof e !== "object" || e === null || Array.isArray(e)) continue;
    const r = e as Record<string, unknown>;
    const addr = strictAddress(r.dst);
    const mac = normaliseMac(r.lladdr);
    const states = Array.isArray(r.state) ? r.state.filter((s): s is string => typeof s === "string" && HEARD.has(s)) : [];
    const state = states[0];
    if (!addr || !mac || state === undefined) continue;
    // A multicast MAC (odd first octet) is a group, never a guest's NIC.
    if ((HEX.indexOf(mac[1] ?? "") & 1) === 1) continue;
    out.push({ ...addr, mac, state });
  }
  return out;
}
