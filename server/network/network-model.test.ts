import { describe, expect, it } from "vitest";
import { buildHostNetwork } from "./network-model";
import { findChain } from "./parse-iptables-save";
import { labNatOutputs } from "./fixtures/lab-nat-network";

describe("host network model from the lab-nat capture", () => {
  const net = buildHostNetwork(labNatOutputs());
  const link = (name: string) => net.links.find((l) => l.name === name);

  it("classifies links", () => {
    expect(link("lo")?.kind).toBe("loopback");
    expect(link("br0")?.kind).toBe("bridge");
    expect(link("tap0")?.kind).toBe("tap");
    expect(link("tun0")?.kind).toBe("tun");
    expect(link("vlab0")?.kind).toBe("veth");
    expect(link("vlab0")?.link).toBe("vlab1");
    expect(link("mv0")?.kind).toBe("macvlan");
    // eth0 of a harness host is a veth; a real NIC has no linkinfo and reads as physical.
    expect(link("eth0")?.kind).toBe("veth");
  });

  it("reads bridge options in centiseconds as ip prints them", () => {
    const br = net.bridges.find((b) => b.name === "br0");
    expect(br?.options).toMatchObject({ stp: true, forwardDelayCs: 800, helloTimeCs: 300, maxAgeCs: 2500 });
    expect(br?.ports.map((p) => p.name).sort()).toEqual(["tap0", "tap1", "vlab0"]);
    expect(br?.ports.find((p) => p.name === "vlab0")?.stpState).toBe("listening");
  });

  it("reads persistent taps with owner and bridge", () => {
    const tap0 = net.taps.find((t) => t.name === "tap0");
    expect(tap0).toMatchObject({ bridge: "br0", options: { mode: "tap", persist: true, user: "nobody", group: null } });
    expect(net.taps.find((t) => t.name === "tap1")?.options.group).toBe("nogroup");
    expect(link("tap0")?.master).toBe("br0");
    expect(net.taps.find((t) => t.name === "tun0")?.bridge).toBeNull();
  });

  it("attaches addresses to links", () => {
    expect(link("br0")?.addresses.map((a) => a.cidr)).toEqual(["192.168.2.1/24"]);
    expect(link("up2")?.addresses.map((a) => a.cidr)).toContain("fd00:2::1/64");
  });

  it("reads routes per table", () => {
    const t100 = net.routesByTable["100"] ?? [];
    expect(t100.find((r) => r.dst === "default")).toMatchObject({ gateway: "10.99.0.254", dev: "up2", tableId: 100 });
    const main = net.routesByTable["main"] ?? [];
    expect(main.find((r) => r.dst === "172.16.5.0/24")).toMatchObject({ gateway: "10.99.0.2", metric: 50, tableId: 254 });
    // The harness slot (10.203.x.y/30) differs per capture: find the uplink's connected route by device.
    expect(main.find((r) => r.dev === "eth0" && r.dst.endsWith("/30"))).toMatchObject({ protocol: "kernel", scope: "link" });
    expect(net.routesByTable["local"]?.every((r) => r.tableId === 255)).toBe(true);
  });

  it("reads policy rules", () => {
    const by = (p: number) => net.rules.find((r) => r.priority === p);
    expect(by(1000)).toMatchObject({ from: "192.168.2.10", table: "100", tableId: 100, action: "lookup", not: false });
    expect(by(1100)).toMatchObject({ from: "all", fwmark: "0x2", tableId: 100 });
    expect(by(1200)).toMatchObject({ to: "172.16.0.0/12", iif: "br0" });
    expect(by(1300)).toMatchObject({ not: true, from: "10.0.0.0/8", action: "prohibit", table: null });
    expect(by(32766)).toMatchObject({ table: "main", tableId: 254 });
  });

  it("knows forwarding and the SSH interface", () => {
    expect(net.ipForward).toBe(true);
    expect(net.ssh).toMatchObject({ serverPort: 22, interface: "eth0" });
    // Labdeck's session arrives on the uplink's own address, as the harness assigned it.
    expect(link("eth0")?.addresses.map((a) => a.address)).toContain(net.ssh?.serverAddress);
  });

  it("has every iptables table with chains and counters", () => {
    expect(net.iptables?.backend).toBe("nf_tables");
    expect(net.iptables?.tables.map((t) => t.name).sort()).toEqual(["filter", "mangle", "nat"]);
    const fwd = findChain(net.iptables!, "filter", "FORWARD");
    expect(fwd).toMatchObject({ policy: "DROP", builtin: true, packets: 0 });
    expect(findChain(net.iptables!, "filter", "LAB-IN")).toMatchObject({ policy: null, builtin: false });
    const established = findChain(net.iptables!, "filter", "INPUT")?.rules[0];
    expect(established?.packets).toBeGreaterThan(0);
  });
});
