import { describe, expect, it } from "vitest";
import { labNatNetwork } from "../fixtures/lab-nat-network";
import type { THostNetwork, TNetworkLink } from "../network-model";
import { centisecondsToSeconds, renderInterfaces } from "./render-interfaces";

const HEADER = `# Written by Labdeck when someone writes the Persistence tab's files: the bridges and
# TAPs of this host's network as read then, with their addresses, routes and policy
# rules, so it comes back the same after a reboot. A later change does not rewrite it;
# the Persistence tab says when it is stale. Edits made here are replaced at the next write.`;

const NOT_CREATED = `# eth0: veth, not recreated by this file; not persisted with it: address 10.203.0.6/30, route default via 10.203.0.5 dev eth0
# vlab1: veth, not recreated by this file
# vlab0: veth, not recreated by this file (port of br0)
# up2peer: veth, not recreated by this file
# up2: veth, not recreated by this file; not persisted with it: address 10.99.0.1/24, address fd00:2::1/64, route default via 10.99.0.254 dev up2 table 100, route 172.16.5.0/24 via 10.99.0.2 dev up2 metric 50
# mv0: macvlan, not recreated by this file`;

const BR0 = `auto br0
iface br0 inet static
    address 192.168.2.1/24
    bridge_ports tap0 tap1
    bridge_stp on
    # bridge-utils takes seconds here; the kernel counts centiseconds (bridge_fd 800 cs, bridge_hello 300 cs, bridge_maxage 2500 cs).
    bridge_fd 8
    bridge_hello 3
    bridge_maxage 25
    up ip route add 192.168.2.0/24 dev br0 scope link table 100
    down ip route del 192.168.2.0/24 dev br0 scope link table 100
    up ip rule add pref 1000 from 192.168.2.10 lookup 100
    down ip rule del pref 1000 from 192.168.2.10 lookup 100
    up ip rule add pref 1100 from all fwmark 0x2 lookup 100
    down ip rule del pref 1100 from all fwmark 0x2 lookup 100
    up ip rule add pref 1200 from all to 172.16.0.0/12 iif br0 lookup 100
    down ip rule del pref 1200 from all to 172.16.0.0/12 iif br0 lookup 100
    up ip rule add pref 1300 not from 10.0.0.0/8 prohibit
    down ip rule del pref 1300 not from 10.0.0.0/8 prohibit`;

const TAP0 = `auto tap0
iface tap0 inet manual
    pre-up ip tuntap add dev tap0 mode tap user nobody
    up ip link set dev tap0 up
    post-down ip tuntap del dev tap0 mode tap`;

const TAP1 = `auto tap1
iface tap1 inet manual
    pre-up ip tuntap add dev tap1 mode tap user nobody group nogroup
    post-down ip tuntap del dev tap1 mode tap`;

const TUN0 = `auto tun0
iface tun0 inet manual
    pre-up ip tuntap add dev tun0 mode tun
    post-down ip tuntap del dev tun0 mode tun`;

function link(net: THostNetwork, name: string): TNetworkLink {
  const l = net.links.find((x) => x.name === name);
  if (!l) throw new Error(`no link ${name} in the fixture`);
  return l;
}

/** A copy of fixture link `from` under another name, with changes. */
function addLink(net: THostNetwork, from: string, changes: Partial<TNetworkLink> & { name: string }): TNetworkLink {
  const l = { ...structuredClone(link(net, from)), addresses: [], master: null, ...changes };
  net.links.push(l);
  return l;
}

describe("interfaces.d/labdeck from the lab-nat capture", () => {
  it("writes TAPs before the bridge that names them in bridge_ports (ifupdown's way), with timers, addresses, table routes and rules", () => {
    expect(renderInterfaces(labNatNetwork(), new Set())).toBe([HEADER, NOT_CREATED, TAP0, TAP1, TUN0, BR0].join("\n\n") + "\n");
  });

  it("leaves guests' TAPs out and says so", () => {
    const text = renderInterfaces(labNatNetwork(), new Set(["tap0"]));
    expect(text).toBe(
      [
        HEADER,
        `# Managed with their guests, not persisted here: tap0\n${NOT_CREATED}`,
        TAP1,
        TUN0,
        BR0.replace("bridge_ports tap0 tap1", "bridge_ports tap1"),
      ].join("\n\n") + "\n",
    );
    expect(text).not.toContain("ip tuntap add dev tap0");
  });

  it("converts the kernel's centiseconds to the seconds bridge-utils takes", () => {
    expect(centisecondsToSeconds(800)).toBe("8");
    expect(centisecondsToSeconds(1500)).toBe("15");
    expect(centisecondsToSeconds(250)).toBe("2.5");
    expect(centisecondsToSeconds(5)).toBe("0.05");
    const net = labNatNetwork();
    const br0 = link(net, "br0");
    br0.bridge = { ...br0.bridge!, stp: false, forwardDelayCs: 250, helloTimeCs: null, maxAgeCs: 2000 };
    const text = renderInterfaces(net, new Set());
    expect(text).toContain(
      [
        "    bridge_stp off",
        "    # bridge-utils takes seconds here; the kernel counts centiseconds (bridge_fd 250 cs, bridge_maxage 2000 cs).",
        "    bridge_fd 2.5",
        "    bridge_maxage 20",
      ].join("\n"),
    );
    expect(text).not.toContain("bridge_hello");
  });

  it("lists boot-time links and the TAPs this file creates as bridge_ports, nothing else", () => {
    const net = labNatNetwork();
    addLink(net, "eth0", { name: "eno1", kind: "physical", infoKind: null, master: "br0" });
    addLink(net, "eth0", { name: "eno2", kind: "physical", infoKind: null });
    expect(renderInterfaces(net, new Set())).toContain("    address 192.168.2.1/24\n    bridge_ports tap0 tap1 eno1\n");
    // A physical NIC with nothing of the team's on it needs no comment.
    expect(renderInterfaces(net, new Set())).not.toContain("eno2");
  });

  it("adds further addresses and routes of lab links as up/down pairs", () => {
    const net = labNatNetwork();
    const br0 = link(net, "br0");
    br0.addresses.push({ ...br0.addresses[0]!, address: "192.168.3.1", cidr: "192.168.3.1/24" });
    br0.addresses.push({
      family: "inet6",
      address: "fd00:3::1",
      prefixLength: 64,
      cidr: "fd00:3::1/64",
      scope: "global",
      label: null,
      broadcast: null,
      peer: null,
    });
    net.routes.push({
      table: "main",
      tableId: 254,
      dst: "10.77.0.0/16",
      family: "inet",
      type: "unicast",
      gateway: null,
      dev: "tap1",
      protocol: "static",
      scope: "link",
      metric: 20,
      prefsrc: null,
      flags: [],
    });
    const text = renderInterfaces(net, new Set());
    expect(text).toContain(
      [
        "    bridge_maxage 25",
        "    up ip addr add 192.168.3.1/24 dev br0",
        "    down ip addr del 192.168.3.1/24 dev br0",
        "    up ip -6 addr add fd00:3::1/64 dev br0",
        "    down ip -6 addr del fd00:3::1/64 dev br0",
        "    up ip route add 192.168.2.0/24 dev br0 scope link table 100",
      ].join("\n"),
    );
    expect(text).toContain(
      [
        "    pre-up ip tuntap add dev tap1 mode tap user nobody group nogroup",
        "    up ip route add 10.77.0.0/16 dev tap1 proto static scope link metric 20",
        "    down ip route del 10.77.0.0/16 dev tap1 proto static scope link metric 20",
        "    post-down ip tuntap del dev tap1 mode tap",
      ].join("\n"),
    );
  });

  it("never writes a name it has not checked into a line the shell runs", () => {
    const net = labNatNetwork();
    addLink(net, "br0", { name: "br$(reboot)" });
    net.routes.push({ ...net.routes.find((r) => r.dev === "br0" && r.table === "100")!, dev: "br$(reboot)" });
    const text = renderInterfaces(net, new Set());
    expect(text).toContain('# Skipped a link whose name this file cannot write safely: "br$(reboot)"');
    expect(text.split("\n").filter((l) => !l.startsWith("#") && l.includes("$("))).toEqual([]);
  });

  it("says what it cannot carry when no lab link exists, and skips TAPs held by a process", () => {
    const net = labNatNetwork();
    net.links = net.links.filter((l) => l.kind !== "bridge" && l.name !== "tun0");
    for (const l of net.links) if (l.tun) l.tun = { ...l.tun, persist: false };
    const text = renderInterfaces(net, new Set());
    expect(text).toContain("# tap0: a tap held open by a process, not persistent; not recreated here.");
    expect(text).toContain("# 4 policy rule(s) and 0 device-less route(s) not persisted: no lab link here to carry them.");
    expect(text).not.toContain("auto ");
  });
});
