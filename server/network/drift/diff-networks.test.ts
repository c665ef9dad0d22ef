import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildHostNetwork, type THostNetwork, type TNetworkLink } from "../network-model";
import { diffNetworks } from "./diff-networks";
import { labNatNetwork, labNatOutputs } from "../fixtures/lab-nat-network";

const FIXTURES = path.join(import.meta.dirname, "..", "fixtures");
const fixture = (...p: string[]) => readFileSync(path.join(FIXTURES, ...p), "utf8");

function link(net: THostNetwork, name: string): TNetworkLink {
  const l = net.links.find((x) => x.name === name);
  if (!l) throw new Error(`no link ${name} in the fixture`);
  return l;
}

/** The lab-nat network with its iptables-save text edited. */
function withIptables(edit: (text: string) => string): THostNetwork {
  const out = labNatOutputs();
  return buildHostNetwork({ ...out, iptables: edit(out.iptables as string) });
}

describe("diffNetworks: no drift", () => {
  const variants: [string, () => THostNetwork][] = [
    ["lab-nat", labNatNetwork],
    ["lab-nat, iptables-legacy", () => buildHostNetwork({ ...labNatOutputs(), iptables: fixture("lab-nat", "iptables-legacy.out") })],
    [
      "lab-nat, nft next to legacy",
      () => buildHostNetwork({ ...labNatOutputs(), iptables: fixture("lab-nat", "iptables-nft-with-legacy.out") }),
    ],
    ["lab-nat, firewall unreadable", () => buildHostNetwork({ ...labNatOutputs(), iptables: null })],
    ["Debian 12 rt_tables", () => buildHostNetwork({ ...labNatOutputs(), "rt-tables-etc": fixture("rt-tables", "debian12-etc.txt") })],
    [
      "Debian 13 split rt_tables",
      () =>
        buildHostNetwork({
          ...labNatOutputs(),
          "rt-tables-etc": fixture("rt-tables", "debian13-split-etc.txt"),
          "rt-tables-usr": fixture("rt-tables", "debian13-usr.txt"),
        }),
    ],
  ];
  it.each(variants)("diff(x, x) is empty for %s", (_name, make) => {
    expect(diffNetworks(make(), make())).toEqual([]);
  });

  it("ignores counters, operational state, ifindex, MACs and link-local addresses", () => {
    const actual = buildHostNetwork({ ...labNatOutputs(), iptables: fixture("lab-nat", "iptables-nft-with-legacy.out") });
    for (const l of actual.links) {
      l.ifindex += 100;
      l.state = "UP";
      l.mac = "02:00:00:00:00:01";
      l.addresses = l.addresses.map((a) => (a.scope === "link" ? { ...a, address: "fe80::1", cidr: "fe80::1/64" } : a));
    }
    expect(diffNetworks(labNatNetwork(), actual)).toEqual([]);
  });
});

describe("diffNetworks: what drifted", () => {
  it("a bridge added on the host, its address going with it", () => {
    const actual = labNatNetwork();
    const br0 = link(actual, "br0");
    actual.links.push({
      ...structuredClone(br0),
      name: "br9",
      ifindex: 99,
      bridge: { ...br0.bridge!, stp: false, forwardDelayCs: 1500, helloTimeCs: 200, maxAgeCs: 2000 },
      addresses: [{ ...br0.addresses[0]!, address: "10.9.0.1", cidr: "10.9.0.1/24" }],
    });
    expect(diffNetworks(labNatNetwork(), actual)).toEqual([
      {
        kind: "bridge",
        key: "bridge br9",
        change: "added",
        summary: "Bridge br9 is on the host, not in the inventory.",
        recorded: null,
        actual: { name: "br9", stp: false, forwardDelayCs: 1500, helloTimeCs: 200, maxAgeCs: 2000 },
      },
    ]);
  });

  it("a route deleted on the host", () => {
    const recorded = labNatNetwork();
    const actual = labNatNetwork();
    actual.routes = actual.routes.filter((r) => r.dst !== "172.16.5.0/24");
    expect(diffNetworks(recorded, actual)).toEqual([
      {
        kind: "route",
        key: "route main 172.16.5.0/24 metric 50",
        change: "removed",
        summary: "Route main 172.16.5.0/24 (via 10.99.0.2 dev up2) is in the inventory, missing on the host.",
        recorded: recorded.routes.find((r) => r.dst === "172.16.5.0/24"),
        actual: null,
      },
    ]);
  });

  it("a rule inserted at the top of a chain is one added rule", () => {
    const actual = withIptables((t) => t.replace(":LAB-IN - [0:0]\n", ":LAB-IN - [0:0]\n[0:0] -A INPUT -s 203.0.113.9/32 -j DROP\n"));
    expect(diffNetworks(labNatNetwork(), actual)).toEqual([
      {
        kind: "iptables-rule",
        key: "iptables filter INPUT +1",
        change: "added",
        summary: "filter INPUT rule 1 is on the host, not in the inventory: -A INPUT -s 203.0.113.9/32 -j DROP",
        recorded: null,
        actual: { table: "filter", chain: "INPUT", position: 1, text: "-A INPUT -s 203.0.113.9/32 -j DROP" },
      },
    ]);
  });

  it("a rule lost in the middle of a chain is one removed rule", () => {
    const actual = withIptables((t) => t.replace("[0:0] -A INPUT -i lo -j ACCEPT\n", ""));
    expect(diffNetworks(labNatNetwork(), actual)).toEqual([
      {
        kind: "iptables-rule",
        key: "iptables filter INPUT -2",
        change: "removed",
        summary: "filter INPUT rule 2 of the inventory is missing on the host: -A INPUT -i lo -j ACCEPT",
        recorded: { table: "filter", chain: "INPUT", position: 2, text: "-A INPUT -i lo -j ACCEPT" },
        actual: null,
      },
    ]);
  });

  it("STP turned off and a timer changed on a bridge", () => {
    const actual = labNatNetwork();
    const br0 = link(actual, "br0");
    br0.bridge = { ...br0.bridge!, stp: false, forwardDelayCs: 1500 };
    expect(diffNetworks(labNatNetwork(), actual)).toEqual([
      {
        kind: "bridge",
        key: "bridge br0",
        change: "changed",
        summary: "Bridge br0: STP is off on the host, on in the inventory; forward delay is 15 s on the host, 8 s in the inventory.",
        recorded: { name: "br0", stp: true, forwardDelayCs: 800, helloTimeCs: 300, maxAgeCs: 2500 },
        actual: { name: "br0", stp: false, forwardDelayCs: 1500, helloTimeCs: 300, maxAgeCs: 2500 },
      },
    ]);
  });

  it("ports, TAP owners, addresses, rules, forwarding, policies and chains", () => {
    const recorded = labNatNetwork();
    recorded.rtTables.push({ id: 100, name: "lab" });
    const actual = withIptables((t) =>
      t
        .replace(":FORWARD DROP [0:0]", ":FORWARD ACCEPT [0:0]")
        .replace(":LAB-IN - [0:0]\n", ":LAB-IN - [0:0]\n:EXTRA - [0:0]\n")
        .replace(
          "[0:0] -A LAB-IN -s 192.168.2.66/32 -j RETURN\n",
          "[0:0] -A LAB-IN -s 192.168.2.66/32 -j RETURN\n[0:0] -A EXTRA -j ACCEPT\n",
        ),
    );
    link(actual, "tap1").master = null;
    link(actual, "tap0").tun!.user = "labuser";
    link(actual, "br0").addresses.push({ ...link(actual, "br0").addresses[0]!, address: "10.1.1.1", cidr: "10.1.1.1/24" });
    const rule = actual.rules.find((r) => r.priority === 1000)!;
    Object.assign(rule, { table: "200", tableId: 200 });
    actual.ipForward = false;
    const items = diffNetworks(recorded, actual);
    expect(items.map((i) => [i.kind, i.key, i.change, i.summary])).toEqual([
      ["tap", "tap tap0", "changed", "TAP tap0: owner is user labuser on the host, user nobody in the inventory."],
      ["port", "port tap1", "removed", "tap1 is free on the host, a port of br0 in the inventory."],
      ["address", "address br0 10.1.1.1/24", "added", "Address 10.1.1.1/24 on br0 is on the host, not in the inventory."],
      ["rt-table", "rt-table lab", "removed", "Routing table name lab (100) is in the inventory, missing on the host."],
      [
        "rule",
        "rule 1000 from 192.168.2.10",
        "changed",
        "Rule 1000 from 192.168.2.10: lookup 200 on the host, lookup 100 in the inventory.",
      ],
      ["ip-forward", "ip-forward", "changed", "IPv4 forwarding is off on the host, on in the inventory."],
      [
        "iptables-policy",
        "iptables-policy filter FORWARD",
        "changed",
        "Policy of filter FORWARD is ACCEPT on the host, DROP in the inventory.",
      ],
      ["iptables-chain", "iptables-chain filter EXTRA", "added", "Chain EXTRA of table filter is on the host, not in the inventory."],
      [
        "iptables-rule",
        "iptables filter EXTRA +1",
        "added",
        "filter EXTRA rule 1 is on the host, not in the inventory: -A EXTRA -j ACCEPT",
      ],
    ]);
    expect(items.find((i) => i.kind === "port")).toMatchObject({ recorded: { port: "tap1", master: "br0" }, actual: null });
  });

  it("a missing physical link is reported; guests' TAPs are not", () => {
    const recorded = labNatNetwork();
    recorded.links.push({ ...structuredClone(link(recorded, "eth0")), name: "eno1", kind: "physical", infoKind: null, addresses: [] });
    const actual = labNatNetwork();
    actual.links.push({ ...structuredClone(link(actual, "tap0")), name: "tap5", tun: { ...link(actual, "tap0").tun!, persist: false } });
    actual.routes.push({ ...actual.routes.find((r) => r.dst === "172.16.5.0/24")!, dst: "10.55.0.0/16", dev: "tap5", gateway: null });
    expect(diffNetworks(recorded, actual, { ignoreLinks: new Set(["tap5"]) })).toEqual([
      {
        kind: "link",
        key: "link eno1",
        change: "removed",
        summary: "Link eno1 (physical) is in the inventory, missing on the host.",
        recorded: { name: "eno1", kind: "physical" },
        actual: null,
      },
    ]);
  });

  it("a bridge missing on the host lists what restoring it brings back", () => {
    const actual = labNatNetwork();
    actual.links = actual.links.filter((l) => l.name !== "br0");
    for (const l of actual.links) if (l.master === "br0") l.master = null;
    actual.routes = actual.routes.filter((r) => r.dev !== "br0");
    expect(diffNetworks(labNatNetwork(), actual).map((i) => `${i.change} ${i.key}`)).toEqual([
      "removed bridge br0",
      "removed port tap0",
      "removed port tap1",
      "removed port vlab0",
      "removed address br0 192.168.2.1/24",
      "removed route table 100 192.168.2.0/24",
    ]);
  });
});
