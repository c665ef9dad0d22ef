import type { TAddress } from "../parse-addresses";
import type { TLinkKind, TTunOptions } from "../parse-links";
import type { TRoute } from "../parse-routes";
import type { THostNetwork, TNetworkLink } from "../network-model";
import { isIfName, isIpAddress, isIpPrefix, isUnixName, quoted } from "./config-words";
import { NOT_PERSISTED_PROTOCOLS, isDefaultRule, routeWords, ruleWords } from "./ip-words";

// /etc/network/interfaces.d/labdeck: ifupdown stanzas that bring back the bridges and
// persistent TAPs the team applied, with their addresses, routes and policy rules.
//
// Order is the one thing not to break: `ifup -a` brings interfaces up in file order, so
// every TAP stanza (`pre-up ip tuntap add ...`) comes before the bridges, and a bridge
// names its ports in `bridge_ports` the ifupdown way: bridge-utils' hook enslaves and
// brings up each one, and a TAP it names already exists because its stanza ran first.
// Ports named there are links that exist at boot without this file (physical NICs, bonds,
// VLANs) or TAPs this file creates; anything else would be skipped as missing.
//
// Only what this file creates can carry up/down lines: a route through a link the
// distribution configures (or that nothing recreates, such as a veth) would run before
// that link is up and make ifup fail, so it is listed in a comment instead.

const INDENT = "    ";
/** Kinds that exist at boot without this file and can be named in bridge_ports. */
const BOOT_PORT_KINDS: ReadonlySet<TLinkKind> = new Set<TLinkKind>(["physical", "vlan", "bond"]);

/** bridge-utils takes seconds (brctl setfd accepts fractions); the kernel counts centiseconds. */
export function centisecondsToSeconds(cs: number): string {
  return String(cs / 100);
}

function persistedAddresses(link: TNetworkLink): TAddress[] {
  // Link-local IPv6 addresses are made by the kernel from the MAC; writing them would clash.
  return link.addresses.filter((a) => !(a.family === "inet6" && a.scope === "link"));
}

function addressWords(a: TAddress, dev: string): string[] | null {
  if (!isIpPrefix(a.cidr)) return null;
  if (a.peer !== null && a.peer !== a.address) {
    if (!isIpAddress(a.peer)) return null;
    return [a.address, "peer", `${a.peer}/${a.prefixLength}`, "dev", dev];
  }
  return [a.cidr, "dev", dev];
}

function ipCmd(family: "inet" | "inet6", object: string): string {
  return family === "inet6" ? `ip -6 ${object}` : `ip ${object}`;
}

function routeText(r: TRoute): string {
  const w = routeWords(r);
  return w.ok ? `route ${w.words.join(" ")}` : `route ${quoted(r.dst)} (${w.why})`;
}

interface Plan {
  bridges: TNetworkLink[];
  taps: TNetworkLink[];
  created: Set<string>;
  notes: string[];
}

function classify(net: THostNetwork, exclude: ReadonlySet<string>): Plan {
  const plan: Plan = { bridges: [], taps: [], created: new Set(), notes: [] };
  const excluded: string[] = [];
  for (const link of net.links) {
    if (link.kind === "loopback") continue;
    if (exclude.has(link.name)) excluded.push(link.name);
    else if (!isIfName(link.name)) plan.notes.push(`# Skipped a link whose name this file cannot write safely: ${quoted(link.name)}`);
    else if (link.kind === "bridge") plan.bridges.push(link);
    else if (link.tun && !link.tun.persist)
      plan.notes.push(`# ${link.name}: a ${link.tun.mode} held open by a process, not persistent; not recreated here.`);
    else if (link.tun && [link.tun.user, link.tun.group].some((o) => o !== null && !isUnixName(o))) {
      plan.notes.push(`# ${link.name}: owner not writable safely; not recreated here.`);
    } else if (link.tun) plan.taps.push(link);
  }
  for (const l of [...plan.bridges, ...plan.taps]) plan.created.add(l.name);
  if (excluded.length > 0) plan.notes.push(`# Managed with their guests, not persisted here: ${excluded.join(", ")}`);
  return plan;
}

function persistedRoutes(net: THostNetwork, exclude: ReadonlySet<string>): TRoute[] {
  return net.routes.filter(
    (r) =>
      r.tableId !== 255 &&
      r.table !== "local" &&
      !(r.protocol !== null && NOT_PERSISTED_PROTOCOLS.has(r.protocol)) &&
      !(r.dev !== null && exclude.has(r.dev)),
  );
}

/** One comment line per link this file does not create, naming what goes unpersisted with it. */
function notCreatedNotes(net: THostNetwork, plan: Plan, routes: TRoute[], exclude: ReadonlySet<string>): string[] {
  const notes: string[] = [];
  for (const link of net.links) {
    if (link.kind === "loopback" || plan.created.has(link.name) || exclude.has(link.name) || !isIfName(link.name) || link.tun) continue;
    const lost = [...persistedAddresses(link).map((a) => `address ${a.cidr}`), ...routes.filter((r) => r.dev === link.name).map(routeText)];
    if (link.kind === "physical" && lost.length === 0) continue;
    const what =
      link.kind === "physical"
        ? "physical NIC, configured by the distribution"
        : `${link.infoKind ?? link.kind}, not recreated by this file`;
    const port = link.master ? ` (port of ${link.master})` : "";
    notes.push(`# ${link.name}: ${what}${port}${lost.length > 0 ? `; not persisted with it: ${lost.join(", ")}` : ""}`);
  }
  return notes;
}

function upDown(up: string, down: string): string[] {
  return [`${INDENT}up ${up}`, `${INDENT}down ${down}`];
}

function addressLines(link: TNetworkLink, skipFirstInet: boolean): string[] {
  const lines: string[] = [];
  let skipped = !skipFirstInet;
  for (const a of persistedAddresses(link)) {
    if (!skipped && a.family === "inet" && a.peer === null) {
      skipped = true;
      continue;
    }
    const w = addressWords(a, link.name);
    if (w === null) lines.push(`${INDENT}# address ${quoted(a.cidr)} not writable safely; skipped`);
    else lines.push(...upDown(`${ipCmd(a.family, "addr add")} ${w.join(" ")}`, `${ipCmd(a.family, "addr del")} ${w.join(" ")}`));
  }
  return lines;
}

function routeLines(routes: TRoute[]): string[] {
  return routes.flatMap((r) => {
    const w = routeWords(r);
    if (!w.ok) return [`${INDENT}# ${routeText(r)}: not persisted`];
    return upDown(`${ipCmd(r.family, "route add")} ${w.words.join(" ")}`, `${ipCmd(r.family, "route del")} ${w.words.join(" ")}`);
  });
}

function ruleLines(net: THostNetwork): string[] {
  return net.rules
    .filter((r) => !isDefaultRule(r))
    .flatMap((r) => {
      const w = ruleWords(r);
      if (!w.ok) return [`${INDENT}# rule pref ${r.priority}: not persisted (${w.why})`];
      return upDown(`ip rule add ${w.words.join(" ")}`, `ip rule del ${w.words.join(" ")}`);
    });
}

/** `closing` lines go after every up/down line the stanza carries. */
interface Stanza {
  link: TNetworkLink;
  lines: string[];
  closing: string[];
}

function bridgeStanza(net: THostNetwork, link: TNetworkLink, plan: Plan, exclude: ReadonlySet<string>): Stanza {
  const opts = link.bridge;
  const firstInet = persistedAddresses(link).find((a) => a.family === "inet" && a.peer === null && isIpPrefix(a.cidr));
  const ports = net.links
    .filter(
      (l) =>
        l.master === link.name && !exclude.has(l.name) && (plan.created.has(l.name) || BOOT_PORT_KINDS.has(l.kind)) && isIfName(l.name),
    )
    .map((l) => l.name);
  const lines = [`auto ${link.name}`, `iface ${link.name} inet ${firstInet ? "static" : "manual"}`];
  if (firstInet) lines.push(`${INDENT}address ${firstInet.cidr}`);
  lines.push(`${INDENT}bridge_ports ${ports.length > 0 ? ports.join(" ") : "none"}`);
  if (opts) {
    lines.push(`${INDENT}bridge_stp ${opts.stp ? "on" : "off"}`);
    const timers: [string, number][] = [];
    for (const [key, cs] of [
      ["bridge_fd", opts.forwardDelayCs],
      ["bridge_hello", opts.helloTimeCs],
      ["bridge_maxage", opts.maxAgeCs],
    ] as const) {
      if (cs !== null) timers.push([key, cs]);
    }
    if (timers.length > 0) {
      lines.push(
        `${INDENT}# bridge-utils takes seconds here; the kernel counts centiseconds (${timers.map(([k, cs]) => `${k} ${cs} cs`).join(", ")}).`,
      );
      for (const [key, cs] of timers) lines.push(`${INDENT}${key} ${centisecondsToSeconds(cs)}`);
    }
    if (opts.vlanFiltering) lines.push(`${INDENT}bridge_vlan_aware yes`);
  }
  lines.push(...addressLines(link, firstInet !== undefined));
  return { link, lines, closing: [] };
}

function tapStanza(link: TNetworkLink, tun: TTunOptions, plan: Plan): Stanza {
  const add = ["ip", "tuntap", "add", "dev", link.name, "mode", tun.mode];
  if (tun.user !== null) add.push("user", tun.user);
  if (tun.group !== null) add.push("group", tun.group);
  if (tun.multiQueue) add.push("multi_queue");
  if (tun.vnetHdr) add.push("vnet_hdr");
  const lines = [`auto ${link.name}`, `iface ${link.name} inet manual`, `${INDENT}pre-up ${add.join(" ")}`];
  // Its bridge (later in the file) enslaves it through bridge_ports.
  if (link.master !== null && !plan.created.has(link.master))
    lines.push(`${INDENT}# was a port of ${quoted(link.master)}, which this file does not create`);
  if (link.adminUp) lines.push(`${INDENT}up ip link set dev ${link.name} up`);
  lines.push(...addressLines(link, false));
  return { link, lines, closing: [`${INDENT}post-down ip tuntap del dev ${link.name} mode ${tun.mode}`] };
}

export function renderInterfaces(net: THostNetwork, exclude: ReadonlySet<string>): string {
  const plan = classify(net, exclude);
  const routes = persistedRoutes(net, exclude);
  const stanzas: Stanza[] = [
    ...plan.taps.flatMap((link) => (link.tun ? [tapStanza(link, link.tun, plan)] : [])),
    ...plan.bridges.map((link) => bridgeStanza(net, link, plan, exclude)),
  ];
  // Policy rules and device-less routes (blackhole, prohibit...) need no link; they ride
  // on the first bridge (else the first stanza), in place as soon as the lab's network is.
  const carrier = stanzas.find((s) => s.link.kind === "bridge") ?? stanzas[0];
  for (const s of stanzas) {
    s.lines.push(...routeLines(routes.filter((r) => r.dev === s.link.name)));
    if (s === carrier) s.lines.push(...routeLines(routes.filter((r) => r.dev === null)), ...ruleLines(net));
  }
  const notes = [...plan.notes, ...notCreatedNotes(net, plan, routes, exclude)];
  if (stanzas.length === 0) {
    const rules = net.rules.filter((r) => !isDefaultRule(r)).length;
    const devless = routes.filter((r) => r.dev === null).length;
    if (rules + devless > 0)
      notes.push(`# ${rules} policy rule(s) and ${devless} device-less route(s) not persisted: no lab link here to carry them.`);
  }
  const header = [
    "# Written by Labdeck when someone writes the Persistence tab's files: the bridges and",
    "# TAPs of this host's network as read then, with their addresses, routes and policy",
    "# rules, so it comes back the same after a reboot. A later change does not rewrite it;",
    "# the Persistence tab says when it is stale. Edits made here are replaced at the next write.",
  ];
  return (
    [header.join("\n"), ...(notes.length > 0 ? [notes.join("\n")] : []), ...stanzas.map((s) => [...s.lines, ...s.closing].join("\n"))].join(
      "\n\n",
    ) + "\n"
  );
}
