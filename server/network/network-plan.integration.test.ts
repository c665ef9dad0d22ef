// Network plans applied to real lab hosts (sshd in a network namespace, see
// scripts/lab-host): every op family is planned from a real read, applied step by step
// over SSH, and checked by reading the kernel's state back, then planned again to show
// that nothing is left to do. Needs root. Only the lab host's own interfaces, routes and
// iptables are touched; its SSH session runs over eth0, so no test drops anything on
// INPUT (FORWARD, user chains and the test's own bridges only).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labHostsSupported, labHostTarget, startLabHost, type LabHost } from "../../scripts/lab-host";
import { LabdeckError } from "../errors";
import type { TPlanStep } from "../jobs/plan";
import { SshPool } from "../ssh/pool";
import type { SshTarget } from "../ssh/types";
import { tokenize } from "./iptables-rule";
import { buildHostNetwork, type NetworkReadOutputs, type THostNetwork } from "./network-model";
import { ZNetOp, type TNetOpInput } from "./ops";
import { parseSshConnection } from "./parse-sysctl";
import { buildNetworkPlan } from "./plan/build-plan";
import { RULE_SPEC_CASES } from "./plan/rule-spec-cases";
import { networkReadSteps, routeGetArgv } from "./read-commands";

const support = labHostsSupported();

describe.skipIf(!support.ok)(`network plans on a lab host${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  let host: LabHost;
  let pool: SshPool;
  let target: SshTarget;
  let changes = 0;

  beforeAll(async () => {
    host = await startLabHost();
    pool = new SshPool();
    target = labHostTarget(host);
  });
  afterAll(async () => {
    await pool?.closeAll();
    await host?.stop();
  });

  /**
   * A link that comes up with carrier (an empty bridge does) gets an IPv6 link-local
   * address, and its local route appears only when duplicate address detection ends about
   * a second later. Reads wait for that, so two reads of an unchanged host are equal.
   */
  async function ipv6Settled(): Promise<void> {
    const deadline = Date.now() + 5000;
    while ((await host.execInNs(["ip", "-j", "-6", "addr", "show", "tentative"])).stdout.trim() !== "[]" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function read(): Promise<THostNetwork> {
    await ipv6Settled();
    const out: NetworkReadOutputs = {};
    for (const step of networkReadSteps()) {
      const r = await pool.exec(target, step.argv);
      if (r.exitStatus !== 0 && !step.optional) throw new Error(`${step.argv.join(" ")}: ${r.stderr}`);
      out[step.id] = r.exitStatus === 0 ? r.stdout : null;
    }
    const ssh = parseSshConnection(out["ssh-connection"] ?? "");
    if (ssh) out["route-get"] = (await pool.exec(target, routeGetArgv(ssh))).stdout;
    return buildHostNetwork(out);
  }

  /** Counters move with every packet; everything else must read back the same. */
  function withoutCounters(net: THostNetwork): THostNetwork {
    const copy = structuredClone(net);
    for (const t of copy.iptables?.tables ?? []) {
      for (const c of t.chains) {
        c.packets = c.bytes = null;
        for (const r of c.rules) r.packets = r.bytes = null;
      }
    }
    return copy;
  }

  /** Runs steps in order like the job runner: stops at the first failure. */
  async function run(steps: readonly TPlanStep[]): Promise<{ done: TPlanStep[]; failed: { step: TPlanStep; stderr: string } | null }> {
    const done: TPlanStep[] = [];
    for (const step of steps) {
      const r = await pool.exec(target, step.argv, step.stdin === undefined ? {} : { stdin: step.stdin });
      if (r.outcome !== "exited" || (r.exitStatus !== 0 && !step.okExitStatuses?.includes(r.exitStatus ?? -1)))
        return { done, failed: { step, stderr: r.stderr } };
      done.push(step);
    }
    return { done, failed: null };
  }

  function planFor(net: THostNetwork, ops: TNetOpInput[]) {
    return buildNetworkPlan(
      net,
      ops.map((o) => ZNetOp.parse(o)),
      { workDir: `${host.runDir}/network/change-${++changes}` },
    );
  }

  /** Plan, apply, re-read; then the same ops plan to nothing and a second read is identical. */
  async function applyOps(ops: TNetOpInput[]) {
    const before = await read();
    const plan = planFor(before, ops);
    const result = await run(plan.steps);
    expect(result.failed).toBeNull();
    const after = await read();
    const again = planFor(after, ops);
    expect(again.steps).toEqual([]);
    expect(again.ops.every((o) => o.status === "in-place")).toBe(true);
    expect(withoutCounters(await read())).toEqual(withoutCounters(after));
    return { before, plan, after, done: result.done };
  }

  async function ns(...argv: string[]): Promise<string> {
    const r = await host.execInNs(argv);
    if (r.code !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr}`);
    return r.stdout;
  }
  const nsJson = async (...argv: string[]) => JSON.parse(await ns(...argv)) as Record<string, unknown>[];
  /** iptables-save without its timestamped comments and the chain counters it always prints. */
  const savedRules = async () =>
    (await ns("iptables-save"))
      .split("\n")
      .filter((l) => !l.startsWith("#"))
      .map((l) => l.replace(/ \[\d+:\d+\]$/, ""))
      .join("\n");
  const saveLines = async () => (await ns("iptables-save")).split("\n").filter((l) => l.startsWith("-A "));

  it("renders every rule spec exactly as this host's iptables-save prints it", async () => {
    // A host of its own: `iptables -A` with the line's own tokens, then the saved line.
    const probe = await startLabHost();
    try {
      await probe.execInNs(["iptables", "-N", "LABX"]);
      for (const c of RULE_SPEC_CASES) {
        const added = await probe.execInNs(["iptables", "-t", c.table, ...tokenize(c.line)]);
        expect(added.stderr).toBe("");
        const saved = (await probe.execInNs(["iptables-save", "-t", c.table])).stdout.split("\n");
        expect(saved.filter((l) => l.startsWith(`-A ${c.chain} `)).at(-1)).toBe(c.line);
      }
    } finally {
      await probe.stop();
    }
  });

  it("creates a bridge with its timers and a TAP on it, sets them, undoes and deletes them", async () => {
    const { before, plan, after, done } = await applyOps([
      { op: "bridge.create", name: "br-a", stp: true, forwardDelayCs: 400, helloTimeCs: 300, maxAgeCs: 2500 },
      { op: "tap.create", name: "tap-a", user: "nobody", bridge: "br-a" },
      { op: "address.add", dev: "br-a", cidr: "10.66.0.1/24" },
      { op: "forward.set", enabled: true },
    ]);
    const [br] = await nsJson("ip", "-j", "-d", "link", "show", "dev", "br-a");
    expect((br?.linkinfo as { info_data: Record<string, unknown> }).info_data).toMatchObject({
      stp_state: 1,
      forward_delay: 400,
      hello_time: 300,
      max_age: 2500,
    });
    expect(await nsJson("bridge", "-j", "link", "show")).toContainEqual(expect.objectContaining({ ifname: "tap-a", master: "br-a" }));
    const [tap] = await nsJson("ip", "-j", "-d", "link", "show", "dev", "tap-a");
    expect(tap).toMatchObject({ linkinfo: { info_kind: "tun", info_data: { type: "tap", persist: true, user: "nobody" } } });
    expect(await ns("ip", "-j", "addr", "show", "dev", "br-a")).toContain('"local":"10.66.0.1","prefixlen":24');
    expect((await ns("cat", "/proc/sys/net/ipv4/ip_forward")).trim()).toBe("1");
    // The projection drew what the host now has.
    expect(plan.projected.bridges.find((b) => b.name === "br-a")?.options).toEqual(after.bridges.find((b) => b.name === "br-a")?.options);
    expect(plan.projected.taps.find((t) => t.name === "tap-a")).toMatchObject({
      bridge: "br-a",
      options: after.taps.find((t) => t.name === "tap-a")?.options,
    });

    // STP off with a forward delay STP would refuse: two steps, each accepted.
    await applyOps([{ op: "bridge.set", name: "br-a", stp: false, forwardDelayCs: 0 }]);
    const [br2] = await nsJson("ip", "-j", "-d", "link", "show", "dev", "br-a");
    expect((br2?.linkinfo as { info_data: Record<string, unknown> }).info_data).toMatchObject({ stp_state: 0, forward_delay: 0 });

    // The first plan's undo steps, in reverse, take the host back to where it was.
    await applyOps([{ op: "bridge.set", name: "br-a", stp: true, forwardDelayCs: 400 }]);
    const undo = await run(
      done
        .filter((s) => s.undo)
        .reverse()
        .map((s) => ({ argv: s.undo as string[], purpose: `undo ${s.purpose}` })),
    );
    expect(undo.failed).toBeNull();
    expect(withoutCounters(await read())).toEqual(withoutCounters(before));

    await applyOps([
      { op: "bridge.create", name: "br-a" },
      { op: "tap.create", name: "tap-a", bridge: "br-a" },
    ]);
    await applyOps([
      { op: "tap.delete", name: "tap-a" },
      { op: "bridge.delete", name: "br-a" },
    ]);
    expect(await ns("ip", "-j", "link", "show")).not.toContain("br-a");
  });

  it("detaches a port, takes a link down and removes an address", async () => {
    await applyOps([
      { op: "bridge.create", name: "br-d" },
      { op: "tap.create", name: "tap-d", bridge: "br-d" },
      { op: "address.add", dev: "br-d", cidr: "10.69.0.1/24" },
    ]);
    const { plan, after } = await applyOps([
      { op: "port.detach", port: "tap-d" },
      { op: "link.down", name: "br-d" },
      { op: "address.delete", dev: "br-d", cidr: "10.69.0.1/24" },
    ]);
    const [tap] = await nsJson("ip", "-j", "link", "show", "dev", "tap-d");
    expect(tap?.master).toBeUndefined();
    const [br] = await nsJson("ip", "-j", "addr", "show", "dev", "br-d");
    expect(br?.flags).not.toContain("UP");
    expect(JSON.stringify(br?.addr_info)).not.toContain("10.69.0.1");
    const projected = plan.projected.links.find((l) => l.name === "br-d");
    expect(projected).toMatchObject({ adminUp: false, addresses: [] });
    expect(projected?.addresses).toEqual(after.links.find((l) => l.name === "br-d")?.addresses);
    expect(plan.projected.routes.filter((r) => r.dev === "br-d")).toEqual(after.routes.filter((r) => r.dev === "br-d"));
    await applyOps([
      { op: "tap.delete", name: "tap-d" },
      { op: "bridge.delete", name: "br-d" },
    ]);
  });

  it("adds MASQUERADE with its FORWARD pair and removes them together", async () => {
    const comment = '-m comment --comment "labdeck nat 10.66.0.0/24 via eth0"';
    const lines = [
      `-A FORWARD -s 10.66.0.0/24 -o eth0 ${comment} -j ACCEPT`,
      `-A FORWARD -d 10.66.0.0/24 -i eth0 -m conntrack --ctstate RELATED,ESTABLISHED ${comment} -j ACCEPT`,
      `-A POSTROUTING -s 10.66.0.0/24 -o eth0 ${comment} -j MASQUERADE`,
    ];
    await applyOps([{ op: "nat.add", source: "10.66.0.0/24", outInterface: "eth0" }]);
    const saved = await saveLines();
    for (const l of lines) expect(saved).toContain(l);
    await applyOps([{ op: "nat.remove", source: "10.66.0.0/24", outInterface: "eth0" }]);
    const left = await saveLines();
    for (const l of lines) expect(left).not.toContain(l);
  });

  it("forwards a port to a guest on a new bridge, the DNAT loaded after the bridge exists", async () => {
    const c = '-m comment --comment "labdeck portforward tcp 2222 -> 10.67.0.10:22"';
    const { plan } = await applyOps([
      { op: "bridge.create", name: "br-pf" },
      { op: "address.add", dev: "br-pf", cidr: "10.67.0.1/24" },
      { op: "portforward.add", protocol: "tcp", hostPort: 2222, inInterface: "eth0", toAddress: "10.67.0.10", toPort: 22 },
    ]);
    expect(plan.steps.at(-1)?.argv[0]).toBe("iptables-restore");
    const saved = await saveLines();
    expect(saved).toContain(`-A PREROUTING -i eth0 -p tcp -m tcp --dport 2222 ${c} -j DNAT --to-destination 10.67.0.10:22`);
    expect(saved).toContain(
      `-A FORWARD -d 10.67.0.10/32 -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW,RELATED,ESTABLISHED ${c} -j ACCEPT`,
    );
    await applyOps([
      { op: "portforward.remove", protocol: "tcp", hostPort: 2222, inInterface: "eth0", toAddress: "10.67.0.10", toPort: 22 },
      { op: "bridge.delete", name: "br-pf" },
    ]);
    expect((await saveLines()).some((l) => l.includes("labdeck portforward"))).toBe(false);
  });

  it("routes through table 100 with an ip rule for 10.9.9.9", async () => {
    // Table numbers, not names: rttable ops change only the projection (no host file).
    const ops: TNetOpInput[] = [
      { op: "bridge.create", name: "br-r" },
      { op: "address.add", dev: "br-r", cidr: "10.68.0.1/24" },
      { op: "route.add", table: 100, dst: "default", via: "10.68.0.254" },
      { op: "route.add", table: 100, dst: "10.9.0.0/16", dev: "br-r", metric: 20 },
      { op: "iprule.add", priority: 1500, from: "10.9.9.9", table: 100 },
    ];
    await applyOps(ops);
    const routes = await nsJson("ip", "-j", "route", "show", "table", "100");
    expect(routes).toContainEqual(expect.objectContaining({ dst: "default", gateway: "10.68.0.254", dev: "br-r" }));
    expect(routes).toContainEqual(expect.objectContaining({ dst: "10.9.0.0/16", dev: "br-r", metric: 20 }));
    expect(await nsJson("ip", "-j", "rule", "show")).toContainEqual(
      expect.objectContaining({ priority: 1500, src: "10.9.9.9", table: "100" }),
    );
    await applyOps([
      { op: "iprule.delete", priority: 1500, from: "10.9.9.9", table: 100 },
      { op: "route.delete", table: 100, dst: "10.9.0.0/16", dev: "br-r", metric: 20 },
      { op: "route.delete", table: 100, dst: "default", via: "10.68.0.254" },
      { op: "bridge.delete", name: "br-r" },
    ]);
    expect(await nsJson("ip", "-j", "route", "show", "table", "100")).toEqual([]);
    expect((await nsJson("ip", "-j", "rule", "show")).some((r) => r.priority === 1500)).toBe(false);
  });

  it("edits a user chain and FORWARD in place, keeping the counters of untouched rules", async () => {
    // An ACCEPT that counts this very SSH session: its counters must survive a restore.
    await applyOps([
      {
        op: "rule.append",
        table: "filter",
        chain: "INPUT",
        rule: { protocol: "tcp", destinationPort: 22, comment: "count ssh", target: { kind: "ACCEPT" } },
      },
    ]);
    const counted = async () => Number(/^\[(\d+):\d+\] -A INPUT .*count ssh/m.exec(await ns("iptables-save", "-c"))?.[1]);
    const packets = await counted();
    expect(packets).toBeGreaterThan(0);
    await applyOps([
      { op: "chain.create", table: "filter", chain: "LAB-FWD" },
      { op: "rule.append", table: "filter", chain: "FORWARD", rule: { inInterface: "br+", target: { kind: "chain", chain: "LAB-FWD" } } },
      { op: "rule.append", table: "filter", chain: "LAB-FWD", rule: { protocol: "tcp", destinationPort: 22, target: { kind: "ACCEPT" } } },
      { op: "rule.insert", table: "filter", chain: "LAB-FWD", position: 1, rule: { protocol: "icmp", target: { kind: "ACCEPT" } } },
      { op: "policy.set", table: "filter", chain: "FORWARD", policy: "DROP" },
    ]);
    expect(await counted()).toBeGreaterThanOrEqual(packets);
    const saved = await ns("iptables-save");
    expect(saved).toContain(":FORWARD DROP");
    expect((await saveLines()).filter((l) => /^-A (LAB-FWD|FORWARD) /.test(l))).toEqual([
      "-A FORWARD -i br+ -j LAB-FWD",
      "-A LAB-FWD -p icmp -j ACCEPT",
      "-A LAB-FWD -p tcp -m tcp --dport 22 -j ACCEPT",
    ]);
    await applyOps([
      {
        op: "rule.replace",
        table: "filter",
        chain: "LAB-FWD",
        position: 2,
        expect: "-A LAB-FWD -p tcp -m tcp --dport 22 -j ACCEPT",
        rule: { protocol: "tcp", destinationPort: { from: 22, to: 23 }, target: { kind: "ACCEPT" } },
      },
    ]);
    expect(await saveLines()).toContain("-A LAB-FWD -p tcp -m tcp --dport 22:23 -j ACCEPT");
    await applyOps([
      { op: "rule.delete", table: "filter", chain: "FORWARD", text: "-A FORWARD -i br+ -j LAB-FWD" },
      { op: "rule.delete", table: "filter", chain: "LAB-FWD", text: "-A LAB-FWD -p icmp -j ACCEPT" },
      { op: "rule.delete", table: "filter", chain: "LAB-FWD", text: "-A LAB-FWD -p tcp -m tcp --dport 22:23 -j ACCEPT" },
      { op: "chain.delete", table: "filter", chain: "LAB-FWD" },
      { op: "policy.set", table: "filter", chain: "FORWARD", policy: "ACCEPT" },
    ]);
    expect(await ns("iptables-save")).not.toContain("LAB-FWD");
  });

  it("refuses a jump to a missing chain before any step exists, and the host keeps its rules", async () => {
    const before = await savedRules();
    const net = await read();
    let refusal: unknown;
    try {
      planFor(net, [{ op: "rule.append", table: "filter", chain: "FORWARD", rule: { target: { kind: "chain", chain: "LAB-NOPE" } } }]);
    } catch (e) {
      refusal = e;
    }
    expect(refusal).toBeInstanceOf(LabdeckError);
    expect((refusal as LabdeckError).field).toBe("ops.0.rule.target.chain");
    expect(await savedRules()).toBe(before);
  });

  it("leaves the live tables untouched when the host rejects the rule set", async () => {
    const before = await savedRules();
    const plan = planFor(await read(), [
      { op: "rule.append", table: "filter", chain: "FORWARD", rule: { comment: "never applied", target: { kind: "ACCEPT" } } },
    ]);
    // What a rule set the builder would refuse looks like once it reaches the host.
    const steps = plan.steps.map((s) =>
      s.stdin ? { ...s, stdin: s.stdin.replace("\nCOMMIT\n", "\n-A FORWARD -j LAB-NOPE\nCOMMIT\n") } : s,
    );
    const result = await run(steps);
    // Refused by --test (legacy) or, where --test only parses (nft), by the apply itself,
    // which replaces the tables atomically or not at all.
    expect(result.failed?.step.argv[0]).toBe("iptables-restore");
    expect(result.failed?.stderr).toContain("LAB-NOPE");
    expect(await savedRules()).toBe(before);
  });
});
