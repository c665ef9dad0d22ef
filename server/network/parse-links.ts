import { z } from "zod";
import { parseIpJson } from "../json-output";

// `ip -j -d link show` -> typed interfaces. The kind decides what the topology editor
// offers for a node (a TAP can be attached, a physical NIC cannot be deleted), so a link
// that cannot be classified must come out as "other", never as "physical": calling an
// unknown virtual device physical would hide it from cleanup and drift.
// Bridge timers stay in centiseconds, the unit `ip -d` prints and `ip link set ... type
// bridge forward_delay N` takes (800 = 8 s); brctl's seconds are a different unit.

export const ZLinkKind = z.enum(["loopback", "physical", "bridge", "tap", "tun", "veth", "vlan", "bond", "dummy", "macvlan", "other"]);
export type TLinkKind = z.infer<typeof ZLinkKind>;

export const ZBridgeOptions = z.object({
  stp: z.boolean(),
  forwardDelayCs: z.number().int().nullable(),
  helloTimeCs: z.number().int().nullable(),
  maxAgeCs: z.number().int().nullable(),
  ageingTimeCs: z.number().int().nullable(),
  priority: z.number().int().nullable(),
  vlanFiltering: z.boolean(),
});
export type TBridgeOptions = z.infer<typeof ZBridgeOptions>;

export const ZTunOptions = z.object({
  mode: z.enum(["tap", "tun"]),
  persist: z.boolean(),
  multiQueue: z.boolean(),
  vnetHdr: z.boolean(),
  /** User and group names (or numeric ids) as ip prints them; null = anyone with access to /dev/net/tun. */
  user: z.string().nullable(),
  group: z.string().nullable(),
});
export type TTunOptions = z.infer<typeof ZTunOptions>;

export const ZLink = z.object({
  name: z.string(),
  ifindex: z.number().int(),
  kind: ZLinkKind,
  /** The raw linkinfo.info_kind, kept for kinds the model does not name (vxlan, wireguard...). */
  infoKind: z.string().nullable(),
  state: z.string(),
  adminUp: z.boolean(),
  mtu: z.number().int(),
  mac: z.string().nullable(),
  /** The bridge (or bond) this link is enslaved to. */
  master: z.string().nullable(),
  /** The lower device (vlan/macvlan parent) or a veth's peer, when in this namespace. */
  link: z.string().nullable(),
  flags: z.array(z.string()),
  bridge: ZBridgeOptions.nullable(),
  tun: ZTunOptions.nullable(),
  vlanId: z.number().int().nullable(),
});
export type TLink = z.infer<typeof ZLink>;

const ZRawLink = z.object({
  ifindex: z.number(),
  ifname: z.string(),
  flags: z.array(z.string()).default([]),
  mtu: z.number(),
  operstate: z.string().default("UNKNOWN"),
  link_type: z.string().optional(),
  address: z.string().optional(),
  master: z.string().optional(),
  link: z.string().nullable().optional(),
  linkinfo: z
    .object({
      info_kind: z.string().optional(),
      info_data: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});
type RawLink = z.infer<typeof ZRawLink>;

function num(data: Record<string, unknown>, key: string): number | null {
  const v = data[key];
  return typeof v === "number" ? v : null;
}

function str(data: Record<string, unknown>, key: string): string | null {
  const v = data[key];
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : null;
}

function classify(raw: RawLink): TLinkKind {
  const kind = raw.linkinfo?.info_kind;
  if (raw.link_type === "loopback") return "loopback";
  if (kind === undefined) return raw.link_type === "ether" ? "physical" : "other";
  if (kind === "tun") return raw.linkinfo?.info_data?.["type"] === "tap" ? "tap" : "tun";
  const known = ["bridge", "veth", "vlan", "bond", "dummy", "macvlan"] as const;
  return (known as readonly string[]).includes(kind) ? (kind as TLinkKind) : "other";
}

function toLink(raw: RawLink): TLink {
  const kind = classify(raw);
  const data = raw.linkinfo?.info_data ?? {};
  return ZLink.parse({
    name: raw.ifname,
    ifindex: raw.ifindex,
    kind,
    infoKind: raw.linkinfo?.info_kind ?? null,
    state: raw.operstate,
    adminUp: raw.flags.includes("UP"),
    mtu: raw.mtu,
    mac: raw.address ?? null,
    master: raw.master ?? null,
    link: raw.link ?? null,
    flags: raw.flags,
    bridge:
      kind === "bridge"
        ? {
            stp: num(data, "stp_state") !== null && num(data, "stp_state") !== 0,
            forwardDelayCs: num(data, "forward_delay"),
            helloTimeCs: num(data, "hello_time"),
            maxAgeCs: num(data, "max_age"),
            ageingTimeCs: num(data, "ageing_time"),
            priority: num(data, "priority"),
            vlanFiltering: num(data, "vlan_filtering") === 1,
          }
        : null,
    tun:
      kind === "tap" || kind === "tun"
        ? {
            mode: kind,
            persist: data["persist"] === true,
            multiQueue: data["multi_queue"] === true,
            vnetHdr: data["vnet_hdr"] === true,
            user: str(data, "user"),
            group: str(data, "group"),
          }
        : null,
    vlanId: kind === "vlan" ? num(data, "id") : null,
  });
}

export function parseLinks(stdout: string): TLink[] {
  return z.array(ZRawLink).parse(parseIpJson("ip link", stdout)).map(toLink);
}
