import type { THostNetwork, TNetworkLink } from "../network-model";
import { parseIpv4 } from "../../../lib/ipv4";
import { withKernelRoutes } from "./kernel-routes";
import { describeRoute, gatewayReachable, lookupRoute, type RouteLookup } from "./route-lookup";
import { firewallProblems } from "./session-firewall";

// The guard between a network plan and Labdeck's own SSH session. It compares the host
// network before the plan with the network the plan projects, and refuses a change after
// which the session's address, its interface, the route back to Labdeck or the firewall
// would cut the session, with one sentence per problem naming the interface, route or
// rule. It refuses only what the change makes worse: whatever was already true before
// (the session works, so it is this model being cautious) is never held against a change.
// What must not break: an unknown SSH path is never treated as safe.

export interface SshPathVerdict {
  ok: boolean;
  /** Each a full sentence a user understands, naming the interface, rule or route. */
  reasons: string[];
}

type Ssh = NonNullable<THostNetwork["ssh"]>;

export const SSH_PATH_UNKNOWN =
  "Labdeck could not learn which interface carries its session; re-read the network before changing links, addresses, routes or the firewall.";

/** What can carry or cut a session, without counters that move on every read. */
function pathView(net: THostNetwork): unknown {
  return {
    links: net.links.map((l) => [l.name, l.adminUp, l.master, l.addresses.map((a) => a.cidr)]),
    routes: net.routes,
    rules: net.rules,
    iptables: net.iptables?.tables.map((t) => t.chains.map((c) => [t.name, c.name, c.policy, c.rules.map((r) => r.text)])),
  };
}

/** Does the change touch anything that can carry or cut a session? */
function touchesPath(before: THostNetwork, after: THostNetwork): boolean {
  return JSON.stringify(pathView(before)) !== JSON.stringify(pathView(after));
}

function holderOf(net: THostNetwork, address: string): TNetworkLink | undefined {
  return net.links.find((l) => l.addresses.some((a) => a.address === address));
}

/**
 * The interface the session's packets cross: its own interface, or the bridge that
 * interface joined (the session's address may move to that bridge in the same change).
 */
function egressOf(net: THostNetwork, sshIface: string): string | null {
  const iface = net.links.find((l) => l.name === sshIface);
  return iface ? (iface.master ?? iface.name) : null;
}

/**
 * Problems with the links the session needs: where its address is, and its interface.
 * `addressOnIface`: the address was on the session's interface before, so it must stay on
 * it (or on the bridge it joins); an address moved to another wire answers on the wrong one.
 */
function linkProblems(net: THostNetwork, ssh: Ssh, sshIface: string, addressOnIface: boolean): string[] {
  const out: string[] = [];
  const server = ssh.serverAddress;
  const holder = holderOf(net, server);
  const egress = egressOf(net, sshIface);
  if (!holder) out.push(`The address ${server} that Labdeck's SSH session arrives on would no longer be on any interface.`);
  else if (!holder.adminUp) out.push(`Interface ${holder.name} holds ${server}, the address of Labdeck's SSH session, and would be down.`);
  else if (holder.master) {
    out.push(
      `Interface ${holder.name} would be enslaved to ${holder.master} while it still holds ${server}, the address of Labdeck's SSH session: ` +
        `an address on a bridge port stops working. Move the address to ${holder.master} in the same change.`,
    );
  } else if (addressOnIface && egress !== null && holder.name !== egress) {
    out.push(`The address ${server} of Labdeck's SSH session would move to ${holder.name}, but the session arrives on ${egress}.`);
  }
  if (holder?.name === sshIface) return out;
  const iface = net.links.find((l) => l.name === sshIface);
  if (!iface) out.push(`Interface ${sshIface}, which carries Labdeck's SSH session, would be deleted.`);
  else if (!iface.adminUp) out.push(`Interface ${sshIface}, which carries Labdeck's SSH session, would be down.`);
  else if (iface.master && addressOnIface && iface.master !== holder?.name) {
    out.push(
      `Interface ${sshIface}, which carries Labdeck's SSH session, would be enslaved to ${iface.master}, ` +
        `which does not hold ${server}: the session's traffic would no longer reach its address.`,
    );
  }
  return out;
}

function routeProblems(net: THostNetwork, ssh: Ssh, found: RouteLookup, egress: string | null): string[] {
  const back = `the route from ${ssh.serverAddress} back to Labdeck at ${ssh.clientAddress}`;
  switch (found.kind) {
    case "refused":
      return [`${capital(back)} would be refused by ${found.by}.`];
    case "no-route":
      return [`No route would lead from ${ssh.serverAddress} back to Labdeck at ${ssh.clientAddress}.`];
    case "unknown":
      return [`${capital(back)} could not be evaluated: ${found.why}.`];
    case "route": {
      const out: string[] = [];
      if (egress !== null && found.dev !== egress) {
        out.push(
          `${capital(back)} would leave through ${found.dev} (${describeRoute(found.route)}) instead of ${egress}, where the session arrives.`,
        );
      }
      if (!gatewayReachable(net, found.route)) {
        out.push(
          `${capital(back)} (${describeRoute(found.route)}) goes via ${found.gateway ?? "?"}, which no connected route on ${found.dev} would reach.`,
        );
      }
      return out;
    }
  }
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

interface PathState {
  problems: string[];
  /** The interface the session's packets cross, as iptables' -i/-o see it. */
  iface: string;
}

function pathState(net: THostNetwork, ssh: Ssh, sshIface: string, addressOnIface: boolean): PathState {
  const found = lookupRoute(net, { src: ssh.serverAddress, dst: ssh.clientAddress });
  const egress = egressOf(net, sshIface);
  return {
    problems: [...linkProblems(net, ssh, sshIface, addressOnIface), ...routeProblems(net, ssh, found, egress)],
    iface: found.kind === "route" ? found.dev : (egress ?? sshIface),
  };
}

export function checkSshPath(before: THostNetwork, after: THostNetwork): SshPathVerdict {
  if (!touchesPath(before, after)) return { ok: true, reasons: [] };
  const ssh = before.ssh;
  const learned = ssh ? lookupRoute(before, { src: ssh.serverAddress, dst: ssh.clientAddress }) : null;
  const sshIface = ssh?.interface ?? (learned?.kind === "route" ? learned.dev : null);
  if (!ssh || sshIface === null) return { ok: false, reasons: [SSH_PATH_UNKNOWN] };

  const addressOnIface = holderOf(before, ssh.serverAddress)?.name === sshIface;
  const was = pathState(before, ssh, sshIface, addressOnIface);
  const will = pathState(withKernelRoutes(before, after), ssh, sshIface, addressOnIface);
  const reasons = will.problems.filter((p) => !was.problems.includes(p));

  // iptables (IPv4) never sees an IPv6 session; its ip6tables rules are not in the model.
  const ipv4 = parseIpv4(ssh.clientAddress) !== null && parseIpv4(ssh.serverAddress) !== null;
  if (!ipv4) return { ok: reasons.length === 0, reasons };
  if (after.iptables) {
    const ends = (iface: string) => ({
      clientAddress: ssh.clientAddress,
      serverAddress: ssh.serverAddress,
      serverPort: ssh.serverPort,
      iface,
    });
    // A firewall that could not be read before is compared as empty: every drop is new.
    const old = before.iptables ?? { tables: [], backend: null, warnings: [] };
    reasons.push(...firewallProblems(old, ends(was.iface), after.iptables, ends(will.iface)));
  } else if (before.iptables !== null) {
    reasons.push("The firewall after the change is unknown, so Labdeck cannot tell whether it keeps its SSH session; re-read the network.");
  }
  return { ok: reasons.length === 0, reasons };
}
