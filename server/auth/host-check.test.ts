import { describe, expect, it } from "vitest";
import { checkHost, hostAllowList, parseHostHeader } from "./host-check";

describe("checkHost", () => {
  const loopback = hostAllowList({
    listenHost: "127.0.0.1",
    port: 3000,
    allowedOrigins: ["https://labdeck.example.org", "http://ops.example:8080"],
  });

  it.each([
    "127.0.0.1:3000",
    "localhost:3000",
    "LOCALHOST:3000",
    "[::1]:3000",
    "labdeck.example.org",
    "labdeck.example.org:443",
    "ops.example:8080",
  ])("accepts %s on a loopback server", (host) => expect(checkHost(host, loopback)).toEqual({ ok: true }));

  it.each([
    ["evil.example:3000", 421],
    ["rebind.attacker.example:3000", 421],
    ["127.0.0.1:3001", 421],
    ["127.0.0.1", 421],
    ["labdeck.example.org:3000", 421],
    ["ops.example", 421],
    ["192.0.2.5:3000", 421],
    ["", 400],
    ["evil.example:3000/x", 400],
    ["a b", 400],
    ["[zz::1]:3000", 400],
  ] as const)("refuses %j with %i", (host, status) => {
    const r = checkHost(host || undefined, loopback);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.status).toBe(status);
  });

  it("names the setting to change in its refusal", () => {
    const r = checkHost("labdeck.lan:3000", loopback);
    expect(!r.ok && r.reason).toMatch(/LABDECK_ALLOWED_ORIGINS/);
  });

  it("on a wildcard listener accepts IP literals on its port and its names, never other names", () => {
    const all = hostAllowList({ listenHost: "0.0.0.0", port: 3000, names: ["labbox"], allowedOrigins: [] });
    for (const ok of ["192.0.2.5:3000", "[2001:db8::5]:3000", "localhost:3000", "labbox:3000"]) expect(checkHost(ok, all).ok).toBe(true);
    for (const bad of ["192.0.2.5:3001", "evil.example:3000", "192.0.2.5"]) expect(checkHost(bad, all).ok).toBe(false);
  });

  it("on a specific address accepts only that address", () => {
    const one = hostAllowList({ listenHost: "192.0.2.5", port: 80, allowedOrigins: [] });
    expect(checkHost("192.0.2.5", one).ok).toBe(true);
    expect(checkHost("192.0.2.5:80", one).ok).toBe(true);
    expect(checkHost("localhost:80", one).ok).toBe(false);
    expect(checkHost("192.0.2.6", one).ok).toBe(false);
  });
});

describe("parseHostHeader", () => {
  it.each([
    ["example.org", { hostname: "example.org", port: null }],
    ["Example.ORG:8080", { hostname: "example.org", port: "8080" }],
    ["[::1]:3000", { hostname: "[::1]", port: "3000" }],
    ["user@example.org", null],
    ["example.org:", null],
    ["::1", null],
  ])("%j", (value, expected) => expect(parseHostHeader(value)).toEqual(expected));
});
