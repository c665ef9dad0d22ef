import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseRule, renderRule, tokenize } from "./iptables-rule";
import { findChain, parseIptablesSave, ruleView } from "./parse-iptables-save";

const LAB = path.join(import.meta.dirname, "fixtures", "lab-nat");
const read = (dir: string, f: string) => readFileSync(path.join(dir, f), "utf8");

describe("iptables rules from the lab-nat capture", () => {
  const ipt = parseIptablesSave(read(LAB, "iptables.out"));
  const rules = (table: string, chain: string) => findChain(ipt, table, chain)?.rules ?? [];

  it("reads DNAT with its destination and port", () => {
    const dnat = rules("nat", "PREROUTING")[0]!;
    expect(dnat.target?.name).toBe("DNAT");
    expect(ruleView(dnat).toDestination).toEqual({ address: "192.168.2.10", port: { from: 22, to: 22, negated: false } });
    expect(ruleView(dnat).dport).toEqual({ from: 8022, to: 8022, negated: false });
    expect(dnat.inInterface).toEqual({ value: "eth0", negated: false });
  });

  it("reads MASQUERADE and SNAT", () => {
    const [masq, snat] = rules("nat", "POSTROUTING");
    expect(masq).toMatchObject({
      source: { value: "192.168.2.0/24", negated: false },
      outInterface: { value: "eth0" },
      target: { name: "MASQUERADE" },
    });
    expect(ruleView(snat!).toSource).toBe("10.203.0.2");
  });

  it("keeps comments with spaces and quotes intact", () => {
    const input = rules("filter", "INPUT");
    expect(ruleView(input[2]!).comment).toBe("labdeck ssh: keep open");
    expect(ruleView(rules("filter", "LAB-IN")[1]!).comment).toBe('web for the "lab" guests');
    expect(ruleView(rules("filter", "OUTPUT")[0]!).comment).toBe("it's a 'quoted' \\ back");
  });

  it("marks negations and wildcards", () => {
    const input = rules("filter", "INPUT");
    expect(input[4]?.source).toEqual({ value: "10.0.0.0/8", negated: true });
    expect(input[5]?.inInterface).toEqual({ value: "tap+", negated: true });
    expect(input[3]?.inInterface).toEqual({ value: "br+", negated: false });
    expect(rules("filter", "FORWARD")[2]?.destination).toEqual({ value: "192.168.2.0/24", negated: true });
  });

  it("reads ports, ranges, multiport and state", () => {
    const input = rules("filter", "INPUT");
    expect(ruleView(input[4]!).dport).toEqual({ from: 1000, to: 2000, negated: false });
    expect(ruleView(input[5]!).sport).toEqual({ from: 1024, to: 65535, negated: false });
    expect(ruleView(rules("filter", "LAB-IN")[1]!).dports).toEqual([
      { from: 80, to: 80, negated: false },
      { from: 443, to: 443, negated: false },
      { from: 8000, to: 8100, negated: false },
    ]);
    expect(ruleView(input[0]!).states).toEqual({ values: ["RELATED", "ESTABLISHED"], negated: false });
    expect(ruleView(input[7]!).states).toEqual({ values: ["INVALID"], negated: false });
  });

  it("reads REJECT, LOG, RETURN and user chain jumps", () => {
    const input = rules("filter", "INPUT");
    expect(ruleView(input[4]!).rejectWith).toBe("icmp-port-unreachable");
    expect(ruleView(input[5]!)).toMatchObject({ logPrefix: "lab in: ", logLevel: "6" });
    expect(input[3]?.target?.name).toBe("LAB-IN");
    expect(rules("filter", "LAB-IN")[0]?.target?.name).toBe("RETURN");
    expect(ruleView(rules("filter", "FORWARD")[2]!).rejectWith).toBe("tcp-reset");
  });

  it("numbers rules by position in their chain", () => {
    expect(rules("filter", "INPUT").map((r) => r.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  for (const file of ["iptables.out", "iptables-legacy.out", "iptables-nft-with-legacy.out"]) {
    it(`round-trips every rule of ${file}`, () => {
      const lines = read(LAB, file)
        .split("\n")
        .filter((l) => /^\[\d+:\d+\] -A /.test(l));
      expect(lines.length).toBeGreaterThan(15);
      for (const line of lines) {
        const rule = parseRule(line);
        expect(rule.unparsed).toEqual([]);
        expect(renderRule(rule)).toBe(line);
      }
    });
  }

  it("reads the legacy backend's header", () => {
    expect(parseIptablesSave(read(LAB, "iptables-legacy.out")).backend).toBe("legacy");
  });
});

describe("rule tokens", () => {
  it("tokenises quoted strings with escapes", () => {
    expect(tokenize('-A X -m comment --comment "a \\"b\\" c" -j ACCEPT')).toEqual([
      "-A",
      "X",
      "-m",
      "comment",
      "--comment",
      'a "b" c',
      "-j",
      "ACCEPT",
    ]);
  });
  it("keeps tokens it does not know, in order", () => {
    const r = parseRule("-A INPUT --weird 1 -j ACCEPT");
    expect(r.unparsed).toEqual(["--weird", "1"]);
    expect(renderRule(r)).toBe("-A INPUT --weird 1 -j ACCEPT");
  });
  it("refuses a rule with an unterminated quote", () => {
    expect(() => parseRule('-A INPUT -m comment --comment "open')).toThrow(/quote/);
  });
});

describe("rules the lab does not contain", () => {
  // Written by hand in iptables-save's canonical form (the order and quoting of 1.8.9).
  const lines = [
    "-A FORWARD -i br0 -g LAB-FWD",
    "-A INPUT -p tcp -m tcp ! --dport 22 -j DROP",
    "-A PREROUTING -p tcp -m tcp --dport 2000:2010 -j DNAT --to-destination 192.168.2.10:3000-3010",
    "-A PREROUTING -p tcp -m tcp --dport 80 -j DNAT --to-destination 192.168.2.11",
    "-A INPUT -s 10.0.0.0/8 -j",
    '-A INPUT -m comment --comment "--not an option" -j ACCEPT',
  ];

  it("reads goto, negated ports and DNAT ranges", () => {
    const [gotoRule, neg, range, bare] = lines.map((l) => parseRule(l));
    expect(gotoRule?.target).toMatchObject({ name: "LAB-FWD", goto: true });
    expect(ruleView(neg!).dport).toEqual({ from: 22, to: 22, negated: true });
    expect(ruleView(range!).toDestination).toEqual({ address: "192.168.2.10", port: { from: 3000, to: 3010, negated: false } });
    expect(ruleView(bare!).toDestination).toEqual({ address: "192.168.2.11", port: null });
  });

  it("keeps a dangling -j as an unparsed token instead of dropping it", () => {
    const r = parseRule(lines[4]!);
    expect(r.unparsed).toEqual(["-j"]);
  });

  it("takes a quoted value that looks like an option as a value", () => {
    expect(ruleView(parseRule(lines[5]!)).comment).toBe("--not an option");
  });

  it("round-trips them", () => {
    for (const line of [...lines.slice(0, 4), lines[5]!]) expect(renderRule(parseRule(line))).toBe(line);
  });
});
