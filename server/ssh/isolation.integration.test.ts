// Several lab hosts at once: what one host does to its network (bridges, iptables, routes,
// forwarding) stays in its namespace, and the machine's own network is untouched apart from
// the ldk-* veths the harness adds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labHostsSupported, labHostTarget, startLabHost, type LabHost } from "../../scripts/lab-host";
import { run } from "../../scripts/lab-host/run";
import { SshPool } from "./pool";

const support = labHostsSupported();

interface LinkInfo {
  ifname: string;
  flags?: string[];
  mtu?: number;
  address?: string;
}

async function rootNetwork(): Promise<Record<string, string>> {
  const links = (JSON.parse((await run(["ip", "-j", "link", "show"])).stdout) as LinkInfo[])
    .filter((l) => !l.ifname.startsWith("ldk-"))
    .map((l) => ({ ifname: l.ifname, flags: l.flags, mtu: l.mtu, address: l.address }));
  const withoutCounters = (s: string) =>
    s
      .split("\n")
      .filter((l) => !l.startsWith("#"))
      .map((l) => l.replace(/\[\d+:\d+\]/g, ""))
      .join("\n");
  return {
    links: JSON.stringify(links),
    iptables: withoutCounters((await run(["iptables-save"])).stdout),
    ip6tables: withoutCounters((await run(["ip6tables-save"])).stdout),
    rules: (await run(["ip", "rule", "show"])).stdout,
    routes: (await run(["ip", "route", "show", "table", "all"])).stdout
      .split("\n")
      .filter((l) => !/ dev ldk-\d+/.test(l))
      .join("\n"),
    forward: (await run(["cat", "/proc/sys/net/ipv4/ip_forward"])).stdout,
  };
}

describe.skipIf(!support.ok)(`lab host isolation${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  let before: Record<string, string>;
  let hosts: LabHost[] = [];
  let pool: SshPool;

  beforeAll(async () => {
    before = await rootNetwork();
    hosts = await Promise.all([startLabHost(), startLabHost(), startLabHost()]);
    pool = new SshPool();
  });
  afterAll(async () => {
    await pool?.closeAll();
    await Promise.all(hosts.map((h) => h.stop()));
  });

  it("keeps bridges, iptables, routes and forwarding inside each host", async () => {
    await Promise.all(
      hosts.map(async (h, i) => {
        const t = labHostTarget(h);
        const steps = [
          ["ip", "link", "add", `br-iso${i}`, "type", "bridge"],
          ["ip", "link", "set", `br-iso${i}`, "up"],
          ["ip", "addr", "add", `10.99.${i}.1/24`, "dev", `br-iso${i}`],
          ["iptables", "-t", "nat", "-A", "POSTROUTING", "-s", `10.99.${i}.0/24`, "-j", "MASQUERADE"],
          ["iptables", "-A", "FORWARD", "-m", "comment", "--comment", `host-${i}`, "-j", "ACCEPT"],
          ["ip", "rule", "add", "from", `10.99.${i}.0/24`, "table", String(100 + i)],
          ["sysctl", "-w", "net.ipv4.ip_forward=1"],
        ];
        for (const argv of steps) {
          const r = await pool.exec(t, argv);
          expect(r.exitStatus, `${argv.join(" ")}: ${r.stderr}`).toBe(0);
        }
      }),
    );

    for (const [i, h] of hosts.entries()) {
      const links = (await pool.exec(labHostTarget(h), ["ip", "-o", "link", "show", "type", "bridge"])).stdout;
      const rules = (await pool.exec(labHostTarget(h), ["iptables-save"])).stdout;
      for (const j of hosts.keys()) {
        expect(links.includes(`br-iso${j}`)).toBe(i === j);
        expect(rules.includes(`host-${j}`)).toBe(i === j);
      }
    }

    expect(await rootNetwork()).toEqual(before);
  });

  it("gives each host its own address and run directory", () => {
    expect(new Set(hosts.map((h) => h.address)).size).toBe(hosts.length);
    expect(new Set(hosts.map((h) => h.runDir)).size).toBe(hosts.length);
  });
});
