import { describe, expect, it } from "vitest";
import { ZNetOp } from "@/server/network/ops";
import type { TNetRoute, TNetRule } from "./network-types";
import { ipRuleAddOp, ipRuleDeleteOp, routeAddOp, routeDeleteOp } from "./route-ops";

const route = (r: Partial<TNetRoute>): TNetRoute => ({
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
  ...r,
});

const rule = (r: Partial<TNetRule>): TNetRule => ({
  priority: 100,
  not: false,
  from: "all",
  to: null,
  iif: null,
  oif: null,
  fwmark: null,
  table: "100",
  tableId: 100,
  action: "lookup",
  ...r,
});

describe("routing ops from what was read", () => {
  it("deletes an IPv4 route by table, destination, gateway, device and metric", () => {
    const op = routeDeleteOp(route({ table: "100", dst: "172.16.5.0/24", gateway: "10.99.0.2", dev: "up2", metric: 50 }));
    expect(op).toEqual({ op: "route.delete", table: 100, dst: "172.16.5.0/24", via: "10.99.0.2", dev: "up2", metric: 50 });
    expect(ZNetOp.safeParse(op).success).toBe(true);
  });

  it("offers no delete for IPv6, the local table or non-unicast routes", () => {
    expect(routeDeleteOp(route({ dst: "fe80::/64", family: "inet6" }))).toBeNull();
    expect(routeDeleteOp(route({ table: "local", dst: "10.0.0.1", type: "local" }))).toBeNull();
    expect(routeDeleteOp(route({ dst: "10.0.0.0/8", type: "blackhole" }))).toBeNull();
  });

  it("deletes a table rule; leaves built-in and masked-fwmark rules alone", () => {
    const op = ipRuleDeleteOp(rule({ from: "192.168.2.0/24", fwmark: "0x2" }));
    expect(op).toEqual({ op: "iprule.delete", priority: 100, table: 100, from: "192.168.2.0/24", fwmark: 2 });
    expect(ZNetOp.safeParse(op).success).toBe(true);
    expect(ipRuleDeleteOp(rule({ priority: 32766, table: "main" }))).toBeNull();
    expect(ipRuleDeleteOp(rule({ fwmark: "0x2/0xff" }))).toBeNull();
    expect(ipRuleDeleteOp(rule({ action: "blackhole", table: null }))).toBeNull();
  });
});

describe("routing ops from the forms", () => {
  it("adds a route and a rule the server's schema accepts", () => {
    const r = routeAddOp({ table: "lab", dst: "10.1.0.0/16", via: "10.203.0.5", dev: "", src: "", metric: "20" });
    expect(r).toEqual({ ok: true, op: { op: "route.add", table: "lab", dst: "10.1.0.0/16", via: "10.203.0.5", metric: 20 } });
    if (r.ok) expect(ZNetOp.safeParse(r.op).success).toBe(true);
    const q = ipRuleAddOp({ priority: "100", from: "192.168.2.0/24", to: "", iif: "", fwmark: "0x2", table: "100" });
    if (q.ok) expect(ZNetOp.safeParse(q.op).success).toBe(true);
    else expect.fail("rule refused");
  });

  it("names the bad fields", () => {
    const r = routeAddOp({ table: "main", dst: "10.1.0", via: "", dev: "", src: "x", metric: "" });
    expect(r.ok ? [] : Object.keys(r.errors).sort()).toEqual(["dev", "dst", "src"]);
    const q = ipRuleAddOp({ priority: "40000", from: "", to: "", iif: "", fwmark: "zz", table: "" });
    expect(q.ok ? [] : Object.keys(q.errors).sort()).toEqual(["fwmark", "priority", "table"]);
  });
});
