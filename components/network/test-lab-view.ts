import type { NetworkView, TNetIptablesRule, TNetLink } from "./network-types";

// A small lab written by hand: eth0 (the uplink, SSH arrives on it), br0 with
// 192.168.2.1/24 and STP, a persistent tap0 on br0 owned by "lab", a running guest using
// its TAP and a stopped one whose NIC names br0; NAT of br0's subnet and one port
// forward out of eth0; a default route in main and one in table 100.

function link(name: string, kind: TNetLink["kind"], extra: Partial<TNetLink> = {}): TNetLink {
  return {
    name,
    ifindex: 1,
    kind,
    infoKind: kind,
    state: "UP",
    adminUp: true,
    mtu: 1500,
    mac: null,
    master: null,
    link: null,
    flags: ["UP"],
    bridge: null,
    tun: null,
    vlanId: null,
    addresses: [],
    ...extra,
  };
}

const addr = (cidr: string, family: "inet" | "inet6" = "inet", scope = "global") => {
  const [address = "", len = "32"] = cidr.split("/");
  return { family, address, prefixLength: Number(len), cidr, scope, label: null, broadcast: null, peer: null };
};

function rule(chain: string, text: string, r: Partial<TNetIptablesRule>, position: number): TNetIptablesRule {
  return {
    chain,
    packets: 0,
    bytes: 0,
    protocol: null,
    source: null,
    destination: null,
    inInterface: null,
    outInterface: null,
    fragment: null,
    matches: [],
    target: null,
    unparsed: [],
    text,
    position,
    ...r,
  };
}

const bridgeOptions = {
  stp: true,
  forwardDelayCs: 800,
  helloTimeCs: 200,
  maxAgeCs: 2000,
  ageingTimeCs: 30000,
  priority: 32768,
  vlanFiltering: false,
};
const tapOptions = { mode: "tap" as const, persist: true, multiQueue: false, vnetHdr: true, user: "lab", group: null };

export function lab(): NetworkView {
  const route = (dst: string, dev: string, extra: Record<string, unknown> = {}) => ({
    table: "main",
    tableId: 254,
    dst,
    family: "inet" as const,
    type: "unicast",
    gateway: null,
    dev,
    protocol: null,
    scope: null,
    metric: null,
    prefsrc: null,
    flags: [],
    ...extra,
  });
  const routes = [
    route("default", "eth0", { gateway: "10.203.0.5" }),
    route("10.203.0.4/30", "eth0", { protocol: "kernel", scope: "link" }),
    route("default", "eth0", { table: "100", tableId: 100, gateway: "10.203.0.9" }),
    route("10.203.0.6", "eth0", { table: "local", type: "local" }),
  ];
  return {
    hostId: "h1",
    hostName: "lab",
    readAt: "2026-01-01T00:00:00.000Z",
    network: {
      links: [
        link("lo", "loopback", { addresses: [addr("127.0.0.1/8")] }),
        link("eth0", "veth", { addresses: [addr("10.203.0.6/30"), addr("fe80::1/64", "inet6", "link")] }),
        link("br0", "bridge", { bridge: bridgeOptions, addresses: [addr("192.168.2.1/24")] }),
        link("tap0", "tap", { master: "br0", tun: tapOptions }),
        link("ldk-vm1-0", "tap", { master: "br0", tun: { ...tapOptions, user: null } }),
      ],
      bridges: [{ name: "br0", options: bridgeOptions, ports: [] }],
      taps: [
        { name: "tap0", options: tapOptions, bridge: "br0" },
        { name: "ldk-vm1-0", options: { ...tapOptions, user: null }, bridge: "br0" },
      ],
      routes,
      routesByTable: { main: routes.slice(0, 2), "100": routes.slice(2, 3), local: routes.slice(3) },
      rules: [],
      rtTables: [],
      iptables: {
        backend: "nf_tables",
        warnings: [],
        tables: [
          {
            name: "nat",
            chains: [
              {
                name: "PREROUTING",
                policy: "ACCEPT",
                builtin: true,
                packets: 0,
                bytes: 0,
                rules: [
                  rule(
                    "PREROUTING",
                    "-A PREROUTING -i eth0 -p tcp -m tcp --dport 8022 -j DNAT --to-destination 192.168.2.10:22",
                    {
                      inInterface: { value: "eth0", negated: false },
                      protocol: { value: "tcp", negated: false },
                      matches: [{ module: "tcp", options: [{ name: "--dport", values: ["8022"], negated: false }] }],
                      target: {
                        name: "DNAT",
                        goto: false,
                        options: [{ name: "--to-destination", values: ["192.168.2.10:22"], negated: false }],
                      },
                    },
                    1,
                  ),
                ],
              },
              {
                name: "POSTROUTING",
                policy: "ACCEPT",
                builtin: true,
                packets: 0,
                bytes: 0,
                rules: [
                  rule(
                    "POSTROUTING",
                    "-A POSTROUTING -s 192.168.2.0/24 -o eth0 -j MASQUERADE",
                    {
                      source: { value: "192.168.2.0/24", negated: false },
                      outInterface: { value: "eth0", negated: false },
                      target: { name: "MASQUERADE", goto: false, options: [] },
                    },
                    1,
                  ),
                ],
              },
            ],
          },
        ],
      },
      ipForward: true,
      ssh: { clientAddress: "10.203.0.5", serverAddress: "10.203.0.6", serverPort: 22, interface: "eth0" },
    },
    guests: [
      { id: "g1", name: "vm1", running: true, nics: [{ index: 0, model: "virtio", kind: "tap", bridge: "br0", tap: "ldk-vm1-0" }] },
      {
        id: "g2",
        name: "vm2",
        running: false,
        nics: [
          { index: 0, model: "virtio", kind: "tap", bridge: "br0", tap: "ldk-vm2-0" },
          { index: 1, model: "e1000", kind: "user", bridge: null, tap: null },
        ],
      },
    ],
    drift: { recordedAt: null, recordedBy: null, items: [] },
    pending: null,
    layout: {},
  };
}
