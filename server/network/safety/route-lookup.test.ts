import { describe, expect, it } from "vitest";
import type { TRoute } from "../parse-routes";
import { withKernelRoutes } from "./kernel-routes";
import { gatewayReachable, lookupRoute } from "./route-lookup";
import { copy, labNetwork } from "./test-fixtures";

const net = labNetwork();

function route(over: Partial<TRoute>): TRoute {
  return {
    table: "main",
    tableId: 254,
    dst: "default",
    family: "inet",
    type: "unicast",
    gateway: null,
    dev: null,
    protocol: null,
    scope: null,
    metric: null,
    prefsrc: null,
    flags: [],
    ...over,
  };
}

describe("lookupRoute on the lab-nat capture (as `ip route get` answers)", () => {
  it("answers what the host answered for the SSH session", () => {
    expect(lookupRoute(net, { src: "10.203.0.6", dst: "10.203.0.5" })).toMatchObject({ kind: "route", dev: "eth0", gateway: null });
  });

  it("follows the source rule into table 100", () => {
    const r = lookupRoute(net, { src: "192.168.2.10", dst: "8.8.8.8" });
    expect(r).toMatchObject({ kind: "route", dev: "up2", gateway: "10.99.0.254", rule: { priority: 1000 } });
  });

  it("prefers the longest prefix, then the lowest metric", () => {
    expect(lookupRoute(net, { src: "10.203.0.6", dst: "172.16.5.9" })).toMatchObject({ dev: "up2", gateway: "10.99.0.2" });
    const n = copy(net);
    n.routes.push(route({ dst: "172.16.5.0/24", gateway: "10.203.0.5", dev: "eth0", metric: 10 }));
    expect(lookupRoute(n, { src: "10.203.0.6", dst: "172.16.5.9" })).toMatchObject({ dev: "eth0" });
  });

  it("applies `not from 10.0.0.0/8 prohibit` to other sources", () => {
    expect(lookupRoute(net, { src: "192.168.2.1", dst: "8.8.8.8" })).toEqual({
      kind: "refused",
      by: "ip rule 1300 (not from 10.0.0.0/8 prohibit)",
    });
  });

  it("falls through a throw route and an empty table to the next rule", () => {
    const n = copy(net);
    n.routes.push(route({ table: "100", tableId: 100, dst: "8.8.8.0/24", type: "throw" }));
    expect(lookupRoute(n, { src: "192.168.2.10", dst: "8.8.8.8" })).toEqual({
      kind: "refused",
      by: "ip rule 1300 (not from 10.0.0.0/8 prohibit)",
    });
    n.routes = n.routes.filter((r) => r.table !== "100");
    expect(lookupRoute(n, { src: "192.168.2.10", dst: "8.8.8.8" })).toMatchObject({ kind: "refused" });
  });

  it("answers unreachable routes and rules, and no route at all", () => {
    const n = copy(net);
    n.routes.push(route({ dst: "10.203.0.5", type: "unreachable" }));
    expect(lookupRoute(n, { src: "10.203.0.6", dst: "10.203.0.5" })).toEqual({ kind: "refused", by: "route unreachable 10.203.0.5" });
    const none = copy(net);
    none.rules = [];
    expect(lookupRoute(none, { src: "10.203.0.6", dst: "10.203.0.5" })).toEqual({ kind: "no-route" });
  });

  it("skips routes through links that are down, as the kernel flushes them", () => {
    const n = copy(net);
    n.links.find((l) => l.name === "up2")!.adminUp = false;
    expect(lookupRoute(n, { src: "10.203.0.6", dst: "172.16.5.9" })).toMatchObject({ dev: "eth0", gateway: "10.203.0.5" });
  });

  it("matches fwmark and iif selectors as for a locally generated packet (mark 0, iif lo)", () => {
    const n = copy(net);
    n.rules.push({
      priority: 10,
      not: false,
      from: "all",
      to: null,
      iif: "lo",
      oif: null,
      fwmark: null,
      table: null,
      tableId: null,
      action: "blackhole",
    });
    expect(lookupRoute(n, { src: "10.203.0.6", dst: "10.203.0.5" })).toMatchObject({ kind: "refused" });
    const m = copy(net);
    m.rules.push({
      priority: 10,
      not: false,
      from: "all",
      to: null,
      iif: null,
      oif: null,
      fwmark: "0x0/0xff",
      table: null,
      tableId: null,
      action: "prohibit",
    });
    expect(lookupRoute(m, { src: "10.203.0.6", dst: "10.203.0.5" })).toMatchObject({ kind: "refused" });
  });

  it("checks that a gateway is on a connected route of the same device", () => {
    const def = net.routes.find((r) => r.table === "main" && r.dst === "default")!;
    expect(gatewayReachable(net, def)).toBe(true);
    expect(gatewayReachable(net, { ...def, dev: "up2" })).toBe(false);
    expect(gatewayReachable(net, { ...def, dev: "up2", flags: ["onlink"] })).toBe(true);
  });
});

describe("withKernelRoutes", () => {
  it("adds the connected route of a new address and drops the one of a removed address", () => {
    const after = copy(net);
    after.links.find((l) => l.name === "up2")!.addresses = [];
    const tap0 = after.links.find((l) => l.name === "tap0")!;
    tap0.adminUp = true;
    tap0.addresses.push({
      family: "inet",
      address: "172.20.1.1",
      prefixLength: 24,
      cidr: "172.20.1.1/24",
      scope: "global",
      label: null,
      broadcast: null,
      peer: null,
    });
    const fixed = withKernelRoutes(net, after);
    expect(fixed.routes.find((r) => r.dst === "10.99.0.0/24")).toBeUndefined();
    expect(fixed.routes.find((r) => r.dst === "172.20.1.0/24")).toMatchObject({ dev: "tap0", protocol: "kernel", tableId: 254 });
    expect(withKernelRoutes(net, copy(net)).routes).toEqual(net.routes);
  });
});
