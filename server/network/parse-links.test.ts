import { describe, expect, it } from "vitest";
import { parseLinks } from "./parse-links";

// The test machine's kernel has no dummy, vlan or bond modules, so these entries are
// written by hand in the shape `ip -j -d link show` prints (only the keys the parser
// reads); everything else about links is tested on the real lab-nat capture.
const SYNTHETIC = JSON.stringify([
  {
    ifindex: 10,
    ifname: "dummy0",
    flags: ["BROADCAST", "NOARP"],
    mtu: 1500,
    operstate: "DOWN",
    link_type: "ether",
    address: "aa:bb:cc:00:00:01",
    linkinfo: { info_kind: "dummy" },
  },
  {
    ifindex: 11,
    ifname: "eth1.42",
    link: "eth1",
    flags: ["UP"],
    mtu: 1500,
    operstate: "UP",
    link_type: "ether",
    linkinfo: { info_kind: "vlan", info_data: { protocol: "802.1Q", id: 42 } },
  },
  {
    ifindex: 12,
    ifname: "bond0",
    flags: ["MASTER", "UP"],
    mtu: 1500,
    operstate: "UP",
    link_type: "ether",
    linkinfo: { info_kind: "bond", info_data: { mode: "active-backup" } },
  },
  {
    ifindex: 13,
    ifname: "enp1s0",
    master: "bond0",
    flags: ["UP", "SLAVE"],
    mtu: 1500,
    operstate: "UP",
    link_type: "ether",
    address: "52:54:00:12:34:56",
  },
  {
    ifindex: 14,
    ifname: "wg0",
    flags: ["POINTOPOINT", "NOARP", "UP"],
    mtu: 1420,
    operstate: "UNKNOWN",
    link_type: "none",
    linkinfo: { info_kind: "wireguard" },
  },
  { ifindex: 15, ifname: "sit0", flags: ["NOARP"], mtu: 1480, operstate: "DOWN", link_type: "sit" },
]);

describe("parseLinks", () => {
  const links = parseLinks(SYNTHETIC);
  const by = (n: string) => links.find((l) => l.name === n);

  it("classifies dummy, vlan, bond and a physical NIC", () => {
    expect(by("dummy0")?.kind).toBe("dummy");
    expect(by("eth1.42")).toMatchObject({ kind: "vlan", vlanId: 42, link: "eth1" });
    expect(by("bond0")?.kind).toBe("bond");
    expect(by("enp1s0")).toMatchObject({ kind: "physical", master: "bond0", adminUp: true });
  });

  it("never calls an unknown virtual device physical", () => {
    expect(by("wg0")).toMatchObject({ kind: "other", infoKind: "wireguard" });
    expect(by("sit0")?.kind).toBe("other");
  });

  it("reads empty output as no links", () => {
    expect(parseLinks("")).toEqual([]);
  });

  it("fails loudly on output that is not JSON", () => {
    expect(() => parseLinks("Error: something")).toThrow(/not JSON/);
  });
});
