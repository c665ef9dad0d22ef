import { z } from "zod";
import { CTSTATES, IPTABLES_TABLES, LOG_LEVELS, REJECT_WITH } from "../../lib/iptables-words";
import { IPV4, isIpv4Cidr } from "../../lib/ipv4";
import { CHAIN_NAME, IFNAME, IFNAME_MATCH, IFNAME_MESSAGE, TABLE_NAME, UNIX_NAME } from "../../lib/names";
import { safeTextCheck } from "../safe-text";

// The vocabulary of network changes. An op says what the host should have afterwards
// ("this bridge exists with these timers", "this rule is in INPUT at position 2"), not
// which command to type: the plan builder (server/network/plan/) compares each op with
// the host's current THostNetwork and emits only the steps still needed, so the same
// list of ops applied twice changes nothing the second time. Every field is checked
// here, before anything reaches a host; a refusal names the field path
// (`ops.3.cidr`).

// An iptables-save rule line; real ones are a few hundred characters.
const MAX_RULE_TEXT = 4096;
export const ZIfName = z.string().regex(IFNAME, IFNAME_MESSAGE);

export const ZIpv4 = z.string().regex(IPV4, "an IPv4 address such as 192.168.2.1");
/** An address with prefix length, as `ip addr` takes it: 192.168.2.1/24. */
export const ZIpv4Cidr = z
  .string()
  .max(18, { message: "an IPv4 network such as 10.0.0.0/24", abort: true })
  .refine(isIpv4Cidr, "an IPv4 address with prefix length such as 192.168.2.0/24");
/** A route or rule destination: a CIDR, a bare address (a /32) or "default". */
export const ZRouteDst = z.union([z.literal("default"), ZIpv4Cidr, ZIpv4]);

/** Routing table: a number 1..2^32-1 (not 0, 253..255 are built in) or a name from rt_tables. */
export const ZTableRef = z.union([z.number().int().min(1).max(4294967295), z.string().regex(TABLE_NAME, "a routing table name or number")]);

export const ZBridgeTimers = z.object({
  stp: z.boolean().optional(),
  /** Centiseconds, the unit `ip link ... type bridge` takes (1500 = 15 s). STP needs 200..3000. */
  forwardDelayCs: z.number().int().min(0).max(3000).optional(),
  helloTimeCs: z.number().int().min(100).max(1000).optional(),
  maxAgeCs: z.number().int().min(600).max(4000).optional(),
});

const ZUnixName = z.string().regex(UNIX_NAME, "a user or group name (or numeric id)");

const ZPortSpec = z.union([
  z.number().int().min(1).max(65535),
  z
    .object({ from: z.number().int().min(1).max(65535), to: z.number().int().min(1).max(65535) })
    .refine((r) => r.from <= r.to, "a port range with from <= to"),
]);

export const ZChainName = z.string().regex(CHAIN_NAME, "a chain name (letters, digits, _ -, at most 29)");
export const ZIptablesTable = z.enum(IPTABLES_TABLES);
export type TIptablesTable = z.infer<typeof ZIptablesTable>;

/**
 * Free text inside a rule (comment, LOG prefix): it is written into iptables-restore
 * input, rules.v4, plan purposes and the shell script, so one line without any control
 * character (server/safe-text.ts), and no quote or backslash, which iptables would escape.
 */
function ZRuleText(max: number) {
  return z
    .string()
    .max(max)
    .regex(/^[^"\\]*$/, "without quotes or backslashes")
    .superRefine(safeTextCheck());
}

/** An iptables-save line as the page shows it (rule.delete, rule.replace's expect): it ends up in plan purposes. */
const ZRuleLine = z.string().min(1).max(MAX_RULE_TEXT).superRefine(safeTextCheck());

/** A filter/NAT rule as the editor builds it; plan/ turns it into one iptables-save line. */
export const ZRuleSpec = z.object({
  protocol: z.enum(["tcp", "udp", "icmp", "all"]).optional(),
  source: ZIpv4Cidr.or(ZIpv4).optional(),
  sourceNegated: z.boolean().optional(),
  destination: ZIpv4Cidr.or(ZIpv4).optional(),
  destinationNegated: z.boolean().optional(),
  /** May end in "+" (iptables' prefix wildcard: "tap+"). */
  inInterface: z.string().regex(IFNAME_MATCH, "an interface name, optionally ending in +").optional(),
  outInterface: z.string().regex(IFNAME_MATCH, "an interface name, optionally ending in +").optional(),
  /** Needs protocol tcp or udp. */
  sourcePort: ZPortSpec.optional(),
  destinationPort: ZPortSpec.optional(),
  ctstate: z.array(z.enum(CTSTATES)).min(1).max(7).optional(),
  comment: ZRuleText(200).optional(),
  target: z.discriminatedUnion("kind", [
    z.object({ kind: z.enum(["ACCEPT", "DROP", "RETURN", "MASQUERADE"]) }),
    z.object({
      kind: z.literal("REJECT"),
      with: z.enum(REJECT_WITH).optional(),
    }),
    z.object({
      kind: z.literal("LOG"),
      prefix: ZRuleText(29).optional(),
      level: z.enum(LOG_LEVELS).optional(),
    }),
    z.object({ kind: z.literal("SNAT"), toSource: ZIpv4 }),
    z.object({ kind: z.literal("DNAT"), toDestination: ZIpv4, toPort: z.number().int().min(1).max(65535).optional() }),
    z.object({ kind: z.literal("chain"), chain: ZChainName, goto: z.boolean().optional() }),
  ]),
});
export type TRuleSpec = z.infer<typeof ZRuleSpec>;

const ZRouteSpec = z.object({
  table: ZTableRef.default("main"),
  dst: ZRouteDst,
  via: ZIpv4.optional(),
  dev: ZIfName.optional(),
  src: ZIpv4.optional(),
  metric: z.number().int().min(0).max(4294967295).optional(),
});

const ZPolicyRuleSpec = z.object({
  priority: z.number().int().min(1).max(32765),
  from: ZRouteDst.optional(),
  to: ZRouteDst.optional(),
  iif: ZIfName.optional(),
  fwmark: z.number().int().min(1).max(4294967295).optional(),
  table: ZTableRef,
});

const ZNatSpec = { source: ZIpv4Cidr, outInterface: ZIfName, toSource: ZIpv4.optional() };

const ZPortForwardSpec = z.object({
  protocol: z.enum(["tcp", "udp"]),
  hostPort: z.number().int().min(1).max(65535),
  inInterface: ZIfName.optional(),
  hostAddress: ZIpv4.optional(),
  toAddress: ZIpv4,
  toPort: z.number().int().min(1).max(65535),
});

const ZRtTableName = {
  id: z.number().int().min(1).max(252),
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/, "a table name"),
};

export const ZNetOp = z.discriminatedUnion("op", [
  z.object({ op: z.literal("bridge.create"), name: ZIfName, ...ZBridgeTimers.shape }),
  z.object({ op: z.literal("bridge.delete"), name: ZIfName }),
  z.object({ op: z.literal("bridge.set"), name: ZIfName, ...ZBridgeTimers.shape }),
  /** Enslave any link (a TAP, a physical NIC, a veth) to a bridge; brings it up. */
  z.object({ op: z.literal("port.attach"), port: ZIfName, bridge: ZIfName }),
  z.object({ op: z.literal("port.detach"), port: ZIfName }),
  z.object({ op: z.literal("link.up"), name: ZIfName }),
  z.object({ op: z.literal("link.down"), name: ZIfName }),
  z.object({ op: z.literal("address.add"), dev: ZIfName, cidr: ZIpv4Cidr }),
  z.object({ op: z.literal("address.delete"), dev: ZIfName, cidr: ZIpv4Cidr }),
  /** Persistent TAP; owner lets an unprivileged QEMU or UML open it. */
  z.object({
    op: z.literal("tap.create"),
    name: ZIfName,
    user: ZUnixName.optional(),
    group: ZUnixName.optional(),
    bridge: ZIfName.optional(),
  }),
  z.object({ op: z.literal("tap.delete"), name: ZIfName }),
  z.object({ op: z.literal("forward.set"), enabled: z.boolean() }),
  /** nat POSTROUTING -s SUBNET -o OUT -j MASQUERADE (or SNAT --to-source) with FORWARD accepts both ways. */
  z.object({ op: z.literal("nat.add"), ...ZNatSpec }),
  z.object({ op: z.literal("nat.remove"), ...ZNatSpec }),
  /** nat PREROUTING DNAT host:port -> guest:port, with the FORWARD accept for the guest side. */
  z.object({ op: z.literal("portforward.add"), ...ZPortForwardSpec.shape }),
  z.object({ op: z.literal("portforward.remove"), ...ZPortForwardSpec.shape }),
  /** Ensure the rule is in the chain (appended when absent). */
  z.object({ op: z.literal("rule.append"), table: ZIptablesTable, chain: ZChainName, rule: ZRuleSpec }),
  /** Ensure the rule is at 1-based position `position` (inserted there when absent). */
  z.object({ op: z.literal("rule.insert"), table: ZIptablesTable, chain: ZChainName, position: z.number().int().min(1), rule: ZRuleSpec }),
  /** Replace the rule at `position`; `expect` is its current text, refused when the host has moved on. */
  z.object({
    op: z.literal("rule.replace"),
    table: ZIptablesTable,
    chain: ZChainName,
    position: z.number().int().min(1),
    expect: ZRuleLine,
    rule: ZRuleSpec,
  }),
  /** Delete by text (an iptables-save line without counters): deleting twice deletes once. */
  z.object({ op: z.literal("rule.delete"), table: ZIptablesTable, chain: ZChainName, text: ZRuleLine }),
  z.object({ op: z.literal("chain.create"), table: ZIptablesTable, chain: ZChainName }),
  z.object({ op: z.literal("chain.delete"), table: ZIptablesTable, chain: ZChainName }),
  z.object({
    op: z.literal("policy.set"),
    table: ZIptablesTable,
    chain: z.enum(["INPUT", "FORWARD", "OUTPUT"]),
    policy: z.enum(["ACCEPT", "DROP"]),
  }),
  z.object({ op: z.literal("route.add"), ...ZRouteSpec.shape }),
  z.object({ op: z.literal("route.delete"), ...ZRouteSpec.shape }),
  z.object({ op: z.literal("iprule.add"), ...ZPolicyRuleSpec.shape }),
  z.object({ op: z.literal("iprule.delete"), ...ZPolicyRuleSpec.shape }),
  z.object({ op: z.literal("rttable.add"), ...ZRtTableName }),
  z.object({ op: z.literal("rttable.delete"), ...ZRtTableName }),
]);
export type TNetOp = z.infer<typeof ZNetOp>;
export type TNetOpInput = z.input<typeof ZNetOp>;
export type NetOpName = TNetOp["op"];

export const ZNetOps = z.array(ZNetOp).min(1).max(500);

/** Ops that touch what can cut Labdeck's own session: applied with a rollback armed on the host. */
export const ROLLBACK_OPS: ReadonlySet<NetOpName> = new Set<NetOpName>([
  "nat.add",
  "nat.remove",
  "portforward.add",
  "portforward.remove",
  "rule.append",
  "rule.insert",
  "rule.replace",
  "rule.delete",
  "chain.create",
  "chain.delete",
  "policy.set",
  "route.add",
  "route.delete",
  "iprule.add",
  "iprule.delete",
]);
