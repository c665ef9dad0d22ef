import { isIPv4 } from "node:net";
import { LabdeckError } from "../../errors";
import type { UserForward } from "../contract";

// QEMU's `info usernet` (asked over QMP with human-monitor-command): slirp's socket table
// per user-mode netdev, which says where each port forward really lands in the guest and
// which address the guest's own connections come from. Text for humans, from a process a
// guest can influence (connections it opens, ports it makes slirp track): the text is
// size-bounded, read line by line without patterns, every field checked (IPv4 by node's
// parser, ports and descriptors as bounded integers), and lines that do not fit dropped.
// What must not break: nothing from this text names a file, an option or a command; it
// only becomes addresses and port numbers shown on a page.

/** The QMP call (display form in the audit: ["qmp", socket, execute, argumentsJson]). */
export const INFO_USERNET = { execute: "human-monitor-command", arguments: { "command-line": "info usernet" } } as const;

export const MAX_USERNET_TEXT = 256 * 1024;
const MAX_ROWS = 2048;
const MAX_LINE = 200;
/** Addresses kept per NIC: a guest that opens connections from 1,000 addresses shows 16. */
export const MAX_SEEN_ADDRESSES = 16;

export type UsernetProto = "tcp" | "udp" | "icmp";

export interface UsernetRow {
  proto: UsernetProto;
  /** "HOST_FORWARD", "ESTABLISHED", "236 sec", … */
  state: string;
  src: { address: string | null; port: number };
  dst: { address: string | null; port: number };
}

export interface UsernetNic {
  /** The netdev id QEMU printed ("n0": Labdeck's id for NIC 0). */
  netdev: string;
  forwards: UserForward[];
  /** Guest-side addresses: forward targets and the sources of the guest's own connections. */
  guestAddresses: string[];
}

function int(text: string | undefined, max: number): number | null {
  if (text === undefined || text.length === 0 || text.length > 6) return null;
  for (const c of text) if (c < "0" || c > "9") return null;
  const n = Number(text);
  return n <= max ? n : null;
}

function address(text: string | undefined): string | null | undefined {
  if (text === "*") return null;
  return text !== undefined && isIPv4(text) ? text : undefined;
}

/** "Hub -1 (n0):" (QEMU 5.2 and later) or "VLAN 0 (n0):" (older): the netdev id, or null. */
function netdevOf(line: string): string | null {
  if (!(line.startsWith("Hub ") || line.startsWith("VLAN ")) || !line.endsWith("):")) return null;
  const open = line.indexOf(" (");
  if (open < 0) return null;
  const id = line.slice(open + 2, -2);
  // Only Labdeck's own ids (n0 … n7): any other name is not a NIC of this definition.
  return id.length >= 2 && id.length <= 3 && id[0] === "n" && int(id.slice(1), 99) !== null ? id : null;
}

const STATE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789 sec-";

function row(line: string): UsernetRow | null {
  const words = line.split(" ").filter((w) => w !== "");
  let head = words.shift() ?? "";
  // "UDP[236 sec]" and "ICMP[20 sec]" hold a space.
  while (!head.endsWith("]") && words.length > 0 && head.length < 24) head += ` ${words.shift() ?? ""}`;
  const open = head.indexOf("[");
  if (open < 0 || !head.endsWith("]")) return null;
  const protoText = head.slice(0, open);
  const proto: UsernetProto | null = protoText === "TCP" ? "tcp" : protoText === "UDP" ? "udp" : protoText === "ICMP" ? "icmp" : null;
  const state = head.slice(open + 1, -1);
  if (proto === null || state.length === 0 || state.length > 20 || [...state].some((c) => !STATE_CHARS.includes(c))) return null;
  const [fd, srcA, srcP, dstA, dstP, recvQ, sendQ, ...rest] = words;
  if (rest.length > 0 || int(fd, 65535) === null || int(recvQ, 999999) === null || int(sendQ, 999999) === null) return null;
  const src = address(srcA);
  const dst = address(dstA);
  const sp = int(srcP, 65535);
  const dp = int(dstP, 65535);
  if (src === undefined || dst === undefined || sp === null || dp === null) return null;
  return { proto, state, src: { address: src, port: sp }, dst: { address: dst, port: dp } };
}

/** The socket table of each user-mode netdev, in QEMU's order. */
export function parseUsernet(text: string): Map<string, UsernetRow[]> {
  if (text.length > MAX_USERNET_TEXT) throw new LabdeckError("INTERNAL", `info usernet: output over ${MAX_USERNET_TEXT} bytes`);
  const out = new Map<string, UsernetRow[]>();
  let current: UsernetRow[] | null = null;
  let rows = 0;
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.length === 0 || line.length > MAX_LINE) continue;
    if (!line.startsWith(" ")) {
      const id = netdevOf(line);
      current = id === null || out.has(id) ? null : [];
      if (id !== null && current) out.set(id, current);
      continue;
    }
    if (current === null || line.trimStart().startsWith("Protocol[")) continue;
    const r = row(line);
    if (r && rows++ < MAX_ROWS) current.push(r);
  }
  return out;
}

/** What a user-mode NIC's table says about the guest: its forwards and its addresses. */
export function usernetNic(netdev: string, rows: readonly UsernetRow[]): UsernetNic {
  const forwards: UserForward[] = [];
  for (const r of rows) {
    if (r.state !== "HOST_FORWARD" || r.proto === "icmp" || r.dst.address === null) continue;
    // For a forward slirp prints its listening socket as the source and the guest end as the destination.
    forwards.push({ proto: r.proto, hostAddress: r.src.address, hostPort: r.src.port, guestAddress: r.dst.address, guestPort: r.dst.port });
  }
  const listening = new Set(forwards.map((f) => `${f.proto} ${f.hostPort}`));
  const seen = new Set(forwards.map((f) => f.guestAddress));
  for (const r of rows) {
    if (r.state === "HOST_FORWARD") continue;
    // A connection that came in through a forward shows the host end first; one the guest
    // opened shows the guest's own address first.
    const incoming = r.proto !== "icmp" && listening.has(`${r.proto} ${r.src.port}`);
    const guest = incoming ? r.dst.address : r.src.address;
    if (guest !== null && seen.size < MAX_SEEN_ADDRESSES) seen.add(guest);
  }
  return { netdev, forwards, guestAddresses: [...seen] };
}
