import { describe, expect, it } from "vitest";
import { labNatNetwork } from "../fixtures/lab-nat-network";
import { renderRule } from "../iptables-rule";
import { parseIptablesSave } from "../parse-iptables-save";
import { PERSIST_PATHS, renderPersistence } from "./render-persistence";
import { renderRulesV4 } from "./render-rules-v4";
import { renderRtTables, renderSysctl } from "./render-small-files";

describe("rules.v4", () => {
  it("parses back to the same chains, policies and rules, without counters", () => {
    const net = labNatNetwork();
    const text = renderRulesV4(net.iptables!);
    expect(text).toContain(
      "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:LAB-IN - [0:0]\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n",
    );
    expect(text).not.toMatch(/^\[\d+:\d+\]/m);
    const back = parseIptablesSave(text);
    const shape = (ipt: typeof back) =>
      ipt.tables
        .map((t) => ({
          table: t.name,
          chains: t.chains.map((c) => ({
            name: c.name,
            policy: c.policy,
            rules: c.rules.map((r) => [r.position, renderRule(r, { counters: false })]),
          })),
        }))
        .sort((a, b) => a.table.localeCompare(b.table));
    expect(shape(back)).toEqual(shape(net.iptables!));
    expect(back.tables.flatMap((t) => t.chains.flatMap((c) => c.rules)).every((r) => r.packets === null)).toBe(true);
  });

  it("leaves tables other than filter, nat and mangle out, with a note", () => {
    const ipt = {
      ...labNatNetwork().iptables!,
      tables: [{ name: "raw", chains: [{ name: "PREROUTING", policy: "ACCEPT", builtin: true, packets: 0, bytes: 0, rules: [] }] }],
    };
    expect(renderRulesV4(ipt)).toBe(
      "# Written by Labdeck from the host's iptables when the Persistence tab's files are written; restored at boot by netfilter-persistent.\n# Not persisted by Labdeck: table(s) raw.\n",
    );
  });
});

describe("sysctl and rt_tables", () => {
  it("writes forwarding as applied, off included", () => {
    const net = labNatNetwork();
    expect(renderSysctl(net)).toMatch(/\nnet\.ipv4\.ip_forward = 1\n$/);
    expect(renderSysctl({ ...net, ipForward: false })).toMatch(/\nnet\.ipv4\.ip_forward = 0\n$/);
  });

  it("writes only table names iproute2 does not know by itself", () => {
    const net = labNatNetwork();
    net.rtTables.push({ id: 200, name: "uplink2" }, { id: 100, name: "lab" }, { id: 300, name: "bad name" });
    expect(renderRtTables(net)).toBe(
      '# Written by Labdeck: routing table names used on this host (ip reads rt_tables.d/*.conf).\n100\tlab\n200\tuplink2\n# table 300 "bad name" skipped: not a plain name\n',
    );
  });
});

describe("renderPersistence", () => {
  it("gives the four files with their modes", () => {
    const files = renderPersistence(labNatNetwork(), { exclude: new Set(["tap1"]) });
    expect(files.map((f) => [f.path, f.mode])).toEqual([
      [PERSIST_PATHS.interfaces, "0644"],
      [PERSIST_PATHS.rtTables, "0644"],
      [PERSIST_PATHS.sysctl, "0644"],
      [PERSIST_PATHS.rulesV4, "0640"],
    ]);
    expect(files[0]?.content).not.toContain("iface tap1");
  });

  it("keeps the host's rules.v4 when its firewall could not be read", () => {
    const files = renderPersistence({ ...labNatNetwork(), iptables: null });
    expect(files.map((f) => f.path)).not.toContain(PERSIST_PATHS.rulesV4);
  });
});
