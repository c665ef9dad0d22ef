import { describe, expect, it } from "vitest";
import { MAX_NEIGH_OUTPUT, neighShowArgv, normaliseMac, parseNeigh } from "./parse-neigh";

// Real output of iproute2 6.1 (Debian 12): `ip -j neigh show dev brx` after pinging a
// neighbour, with `nud all`, and after pinging an address nobody has.
const REACHABLE = '[{"dst":"10.99.0.2","lladdr":"52:54:00:aa:bb:01","state":["REACHABLE"]}]\n';
const NUD_ALL =
  '[{"dst":"224.0.0.22","lladdr":"01:00:5e:00:00:16","state":["NOARP"]},{"dst":"10.99.0.2","lladdr":"52:54:00:aa:bb:01","state":["REACHABLE"]},{"dst":"ff02::16","lladdr":"33:33:00:00:00:16","state":["NOARP"]},{"dst":"ff02::1:fff4:6a68","lladdr":"33:33:ff:f4:6a:68","state":["NOARP"]}]\n';
const INCOMPLETE = '[{"dst":"10.99.0.9","state":["INCOMPLETE"]},{"dst":"10.99.0.2","lladdr":"52:54:00:aa:bb:01","state":["REACHABLE"]}]\n';

describe("ip -j neigh show", () => {
  it("is one argv naming the bridge", () => {
    expect(neighShowArgv("br0")).toEqual(["ip", "-j", "neigh", "show", "dev", "br0"]);
  });

  it("keeps what the kernel heard from a MAC, drops NOARP groups and unanswered addresses", () => {
    const want = [{ address: "10.99.0.2", family: "inet", mac: "52:54:00:aa:bb:01", state: "REACHABLE" }];
    expect(parseNeigh(REACHABLE)).toEqual(want);
    expect(parseNeigh(NUD_ALL)).toEqual(want);
    expect(parseNeigh(INCOMPLETE)).toEqual(want);
  });

  it("an empty table is no entries (some iproute2 print nothing)", () => {
    expect(parseNeigh("")).toEqual([]);
    expect(parseNeigh("[]")).toEqual([]);
  });

  it("keeps IPv6 neighbours, lowercased, and STALE entries", () => {
    expect(parseNeigh('[{"dst":"FE80::5054:FF:FEAA:BB01","lladdr":"52:54:00:AA:BB:01","state":["STALE"]}]')).toEqual([
      { address: "fe80::5054:ff:feaa:bb01", family: "inet6", mac: "52:54:00:aa:bb:01", state: "STALE" },
    ]);
  });

  it("drops hostile or malformed entries instead of passing them on", () => {
    const hostile = JSON.stringify([
      { dst: "10.0.0.1; rm -rf /", lladdr: "52:54:00:aa:bb:01", state: ["REACHABLE"] },
      { dst: "10.0.0.256", lladdr: "52:54:00:aa:bb:01", state: ["REACHABLE"] },
      { dst: "010.0.0.1", lladdr: "52:54:00:aa:bb:01", state: ["REACHABLE"] },
      { dst: "10.0.0.2", lladdr: "52:54:00:aa:bb:01:02", state: ["REACHABLE"] },
      { dst: "10.0.0.3", lladdr: "52-54-00-aa-bb-01", state: ["REACHABLE"] },
      { dst: "10.0.0.4", lladdr: "zz:54:00:aa:bb:01", state: ["REACHABLE"] },
      { dst: "10.0.0.5", lladdr: "53:54:00:aa:bb:01", state: ["REACHABLE"] },
      { dst: "10.0.0.6", lladdr: "52:54:00:aa:bb:06", state: ["FAILED"] },
      { dst: "10.0.0.7", lladdr: "52:54:00:aa:bb:07", state: "REACHABLE" },
      { dst: 167772168, lladdr: "52:54:00:aa:bb:08", state: ["REACHABLE"] },
      { dst: "a".repeat(100000), lladdr: "52:54:00:aa:bb:09", state: ["REACHABLE"] },
      "10.0.0.10",
      null,
      [1, 2],
      { dst: "10.0.0.11", lladdr: "52:54:00:aa:bb:0b", state: ["REACHABLE"], router: null },
    ]);
    expect(parseNeigh(hostile)).toEqual([{ address: "10.0.0.11", family: "inet", mac: "52:54:00:aa:bb:0b", state: "REACHABLE" }]);
  });

  it("refuses output that is not a list, not JSON, or too large", () => {
    expect(() => parseNeigh('{"dst":"10.0.0.1"}')).toThrow(/not a list/);
    expect(() => parseNeigh('Cannot find device "br9"')).toThrow(/not JSON/);
    expect(() => parseNeigh(`[${" ".repeat(MAX_NEIGH_OUTPUT)}]`)).toThrow(/over/);
  });

  it("bounds how many entries it reads", () => {
    const many = JSON.stringify(
      Array.from({ length: 5000 }, (_, i) => ({ dst: `10.${i >> 8}.${i & 255}.1`, lladdr: "52:54:00:aa:bb:01", state: ["STALE"] })),
    );
    expect(parseNeigh(many)).toHaveLength(4096);
  });

  it("normalises MACs strictly", () => {
    expect(normaliseMac("52:54:00:AA:bb:01")).toBe("52:54:00:aa:bb:01");
    for (const bad of ["52:54:00:aa:bb", "52:54:00:aa:bb:0g", "5254.00aa.bb01", "52:54:00:aa:bb:01 ", 52, null])
      expect(normaliseMac(bad)).toBeNull();
  });
});
