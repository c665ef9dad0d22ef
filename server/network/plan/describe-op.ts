import type { TNetOp } from "../ops";
import { describeTimers } from "./bridges";
import { renderSpec } from "./rule-spec";

// One line per op, for the editor's change list and a job's title. It says what the op
// asks for, not what the plan will do (that is the per-op summary of buildNetworkPlan,
// which knows the host): "create bridge br0" reads the same whether or not br0 exists.

function route(op: Extract<TNetOp, { op: "route.add" | "route.delete" }>): string {
  return `${op.dst}${op.via ? ` via ${op.via}` : ""}${op.dev ? ` dev ${op.dev}` : ""}${op.metric ? ` metric ${op.metric}` : ""} in table ${op.table}`;
}

function ipRule(op: Extract<TNetOp, { op: "iprule.add" | "iprule.delete" }>): string {
  const sel = [
    op.from ? `from ${op.from}` : "",
    op.to ? `to ${op.to}` : "",
    op.iif ? `iif ${op.iif}` : "",
    op.fwmark ? `fwmark 0x${op.fwmark.toString(16)}` : "",
  ].filter(Boolean);
  return `rule ${op.priority}: ${sel.length ? sel.join(" ") : "from all"} lookup ${op.table}`;
}

function forwarded(op: Extract<TNetOp, { op: "portforward.add" | "portforward.remove" }>): string {
  const on = [op.hostAddress ? ` on ${op.hostAddress}` : "", op.inInterface ? ` from ${op.inInterface}` : ""].join("");
  return `${op.protocol} port ${op.hostPort}${on} to ${op.toAddress}:${op.toPort}`;
}

export function describeOp(op: TNetOp): string {
  switch (op.op) {
    case "bridge.create": {
      const t = describeTimers(op);
      return `create bridge ${op.name}${t ? ` (${t})` : ""}`;
    }
    case "bridge.set":
      return `set ${describeTimers(op) || "nothing"} on bridge ${op.name}`;
    case "bridge.delete":
      return `delete bridge ${op.name}`;
    case "port.attach":
      return `attach ${op.port} to bridge ${op.bridge}`;
    case "port.detach":
      return `detach ${op.port} from its bridge`;
    case "link.up":
      return `bring ${op.name} up`;
    case "link.down":
      return `bring ${op.name} down`;
    case "address.add":
      return `add ${op.cidr} to ${op.dev}`;
    case "address.delete":
      return `remove ${op.cidr} from ${op.dev}`;
    case "tap.create":
      return `create TAP ${op.name}${op.user ? ` for ${op.user}` : ""}${op.bridge ? ` on ${op.bridge}` : ""}`;
    case "tap.delete":
      return `delete TAP ${op.name}`;
    case "forward.set":
      return `turn IPv4 forwarding ${op.enabled ? "on" : "off"}`;
    case "nat.add":
      return `NAT ${op.source} out of ${op.outInterface}${op.toSource ? ` as ${op.toSource}` : " (masquerade)"}`;
    case "nat.remove":
      return `remove NAT of ${op.source} out of ${op.outInterface}`;
    case "portforward.add":
      return `forward ${forwarded(op)}`;
    case "portforward.remove":
      return `remove forward of ${forwarded(op)}`;
    case "rule.append":
      return `${op.table}: ${renderSpec(op.chain, op.rule)}`;
    case "rule.insert":
      return `${op.table}: ${renderSpec(op.chain, op.rule).replace(/^-A (\S+)/, `-I $1 ${op.position}`)}`;
    case "rule.replace":
      return `${op.table}: ${renderSpec(op.chain, op.rule).replace(/^-A (\S+)/, `-R $1 ${op.position}`)}`;
    case "rule.delete":
      return `${op.table}: delete ${op.text}`;
    case "chain.create":
      return `create chain ${op.chain} in ${op.table}`;
    case "chain.delete":
      return `delete chain ${op.chain} from ${op.table}`;
    case "policy.set":
      return `set ${op.table} ${op.chain} policy to ${op.policy}`;
    case "route.add":
      return `add route ${route(op)}`;
    case "route.delete":
      return `delete route ${route(op)}`;
    case "iprule.add":
      return `add ${ipRule(op)}`;
    case "iprule.delete":
      return `delete ${ipRule(op)}`;
    case "rttable.add":
      return `name routing table ${op.id} "${op.name}"`;
    case "rttable.delete":
      return `forget routing table name "${op.name}" (${op.id})`;
  }
}
