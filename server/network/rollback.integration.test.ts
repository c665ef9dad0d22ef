// The network safety net on a real host: a rollback armed on the host restores iptables,
// addresses and routes BY ITSELF when Labdeck goes away, confirm disarms it, and the SSH
// path guard reads a real host's network the way the kernel routes it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labHostsSupported, labHostTarget, startLabHost, type LabHost } from "../../scripts/lab-host";
import type { TPlanStep } from "../jobs/plan";
import { SshPool } from "../ssh/pool";
import type { SshTarget } from "../ssh/types";
import { parseRule } from "./iptables-rule";
import { buildHostNetwork, type NetworkReadOutputs, type THostNetwork } from "./network-model";
import { findChain } from "./parse-iptables-save";
import { networkReadSteps, routeGetArgv } from "./read-commands";
import {
  armRollbackSteps,
  confirmRollbackArgv,
  parseRollbackStatus,
  ROLLBACK_EXIT,
  rollbackNowArgv,
  rollbackStatusArgv,
} from "./safety/rollback";
import { lookupRoute } from "./safety/route-lookup";
import { checkSshPath } from "./safety/ssh-path";

const support = labHostsSupported();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!support.ok)(`network rollback and SSH guard on a lab host${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  let host: LabHost;
  let pool: SshPool;
  let target: SshTarget;

  beforeAll(async () => {
    host = await startLabHost();
    pool = new SshPool();
    target = labHostTarget(host);
    // A fresh namespace has no filter table, and iptables-save then prints nothing: restoring
    // that empty file would leave a new table untouched. A real host has its table already.
    expect((await host.execInNs(["iptables", "-P", "INPUT", "ACCEPT"])).code).toBe(0);
  });
  afterAll(async () => {
    await pool?.closeAll();
    await host?.stop();
  });

  async function run(argv: string[], stdin?: string) {
    const r = await pool.exec(target, argv, stdin === undefined ? {} : { stdin });
    expect(r.outcome, `${argv.join(" ")}: ${r.stderr}`).toBe("exited");
    return r;
  }

  async function runSteps(steps: TPlanStep[]) {
    for (const s of steps) {
      const r = await run(s.argv, s.stdin);
      expect(r.exitStatus, `${s.purpose}: ${r.stderr}`).toBe(0);
    }
  }

  /** The rule set as the host has it, read outside SSH, without chain counters and comments. */
  async function iptablesNow(): Promise<string> {
    const r = await host.execInNs(["iptables-save"]);
    return r.stdout
      .split("\n")
      .filter((l) => !l.startsWith("#"))
      .map((l) => l.replace(/ \[\d+:\d+\]$/, ""))
      .join("\n");
  }

  async function status(dir: string) {
    return parseRollbackStatus((await run(rollbackStatusArgv(dir))).stdout);
  }

  async function timerRunning(dir: string): Promise<boolean> {
    return (await host.processes()).some((p) => p.argv.includes(`${dir}/rollback.sh`) && p.argv.includes("-c"));
  }

  async function waitFor(what: () => Promise<boolean>, ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (await what()) return true;
      await sleep(200);
    }
    return what();
  }

  /** Save the rule set, arm a rollback that restores it, add a user chain and a FORWARD jump. */
  async function armedFirewallChange(dir: string, seconds: number): Promise<string> {
    const saved = `${dir}/iptables.before`;
    await runSteps([
      { argv: ["mkdir", "-p", dir], purpose: "work dir" },
      { argv: ["sh", "-c", 'iptables-save -c > "$1"', "sh", saved], purpose: "save the rule set" },
      ...armRollbackSteps({ dir, seconds, undo: [["iptables-restore", "-c", saved]] }),
    ]);
    const chain = `LDK-${dir.split("/").pop() ?? "X"}`.slice(0, 28);
    await runSteps([
      { argv: ["iptables", "-N", chain], purpose: "user chain" },
      { argv: ["iptables", "-A", chain, "-s", "10.9.9.9/32", "-j", "DROP"], purpose: "rule" },
      { argv: ["iptables", "-A", "FORWARD", "-j", chain], purpose: "jump" },
    ]);
    expect(await iptablesNow()).toContain(`-A FORWARD -j ${chain}`);
    return chain;
  }

  it("rolls a firewall change back by itself after Labdeck's connections drop", async () => {
    const dir = `${host.runDir}/change-timer`;
    const before = await iptablesNow();
    await armedFirewallChange(dir, 3);
    expect(await status(dir)).toMatchObject({ state: "armed", timerAlive: true });

    await host.dropConnections();
    // The timer lives in its own session: the sshd processes that started it are gone.
    expect(await timerRunning(dir)).toBe(true);

    expect(await waitFor(async () => (await iptablesNow()) === before, 10_000)).toBe(true);
    const s = await status(dir);
    expect(s).toMatchObject({ state: "rolled-back", timerAlive: false });
    expect(s.deadline).toBeLessThanOrEqual(s.now);
    expect((await host.execInNs(["cat", `${dir}/rollback.log`])).stdout).toContain("undo 1/1 exit 0");
  });

  it("keeps a confirmed change after the deadline; confirming again is harmless", async () => {
    const dir = `${host.runDir}/change-confirm`;
    const chain = await armedFirewallChange(dir, 3);
    const confirm = await run(confirmRollbackArgv(dir));
    expect([confirm.exitStatus, confirm.stdout.trim()]).toEqual([ROLLBACK_EXIT.ok, "confirmed"]);
    expect(await waitFor(async () => !(await timerRunning(dir)), 2_000)).toBe(true);

    await sleep(4_000);
    expect(await iptablesNow()).toContain(`-A FORWARD -j ${chain}`);
    expect(await status(dir)).toMatchObject({ state: "confirmed", timerAlive: false });
    const again = await run(confirmRollbackArgv(dir));
    expect([again.exitStatus, again.stdout.trim()]).toEqual([ROLLBACK_EXIT.ok, "already-confirmed"]);
    const revert = await run(rollbackNowArgv(dir));
    expect([revert.exitStatus, revert.stdout.trim()]).toEqual([ROLLBACK_EXIT.confirmed, "confirmed"]);
    expect(await iptablesNow()).toContain(`-A FORWARD -j ${chain}`);
    await runSteps([
      { argv: ["iptables", "-D", "FORWARD", "-j", chain], purpose: "clean up" },
      { argv: ["iptables", "-F", chain], purpose: "clean up" },
      { argv: ["iptables", "-X", chain], purpose: "clean up" },
    ]);
  });

  it("reports a confirm that comes after the rollback fired, and keeps the old rules", async () => {
    const dir = `${host.runDir}/change-late`;
    const before = await iptablesNow();
    await armedFirewallChange(dir, 2);
    expect(await waitFor(async () => (await status(dir)).state === "rolled-back", 10_000)).toBe(true);
    const late = await run(confirmRollbackArgv(dir));
    expect([late.exitStatus, late.stdout.trim()]).toEqual([ROLLBACK_EXIT.rolledBack, "rolled-back"]);
    expect(await iptablesNow()).toBe(before);
  });

  it("reverts now on request and disarms the timer", async () => {
    const dir = `${host.runDir}/change-now`;
    const before = await iptablesNow();
    await armedFirewallChange(dir, 600);
    const revert = await run(rollbackNowArgv(dir));
    expect([revert.exitStatus, revert.stdout.trim()]).toEqual([ROLLBACK_EXIT.ok, "rolled-back"]);
    expect(await iptablesNow()).toBe(before);
    expect(await waitFor(async () => !(await timerRunning(dir)), 2_000)).toBe(true);
    expect(await status(dir)).toMatchObject({ state: "rolled-back" });
    const late = await run(confirmRollbackArgv(dir));
    expect(late.exitStatus).toBe(ROLLBACK_EXIT.rolledBack);
    const none = await run(confirmRollbackArgv(`${host.runDir}/never-armed`));
    expect([none.exitStatus, none.stdout.trim()]).toEqual([ROLLBACK_EXIT.none, "none"]);
    expect(await status(`${host.runDir}/never-armed`)).toMatchObject({ state: "none", deadline: null });
  });

  it("rolls back an interface, its address and a route in table 100", async () => {
    const dir = `${host.runDir}/change-route`;
    const apply: TPlanStep[] = [
      { argv: ["ip", "link", "add", "ldkscratch", "type", "bridge"], undo: ["ip", "link", "del", "ldkscratch"], purpose: "scratch bridge" },
      { argv: ["ip", "link", "set", "ldkscratch", "up"], purpose: "up" },
      {
        argv: ["ip", "addr", "add", "10.77.0.1/24", "dev", "ldkscratch"],
        undo: ["ip", "addr", "del", "10.77.0.1/24", "dev", "ldkscratch"],
        purpose: "address",
      },
      {
        argv: ["ip", "route", "add", "10.78.0.0/16", "via", "10.77.0.254", "table", "100"],
        undo: ["ip", "route", "del", "10.78.0.0/16", "via", "10.77.0.254", "table", "100"],
        purpose: "route",
      },
    ];
    const undo = apply.flatMap((s) => (s.undo ? [s.undo] : [])).reverse();
    await runSteps([...armRollbackSteps({ dir, seconds: 3, undo }), ...apply]);
    expect((await host.execInNs(["ip", "route", "show", "table", "100"])).stdout).toContain("10.78.0.0/16 via 10.77.0.254");

    await host.dropConnections();
    expect(await waitFor(async () => (await host.execInNs(["ip", "link", "show", "ldkscratch"])).code !== 0, 10_000)).toBe(true);
    expect((await host.execInNs(["ip", "route", "show", "table", "100"])).stdout.trim()).toBe("");
    expect(await status(dir)).toMatchObject({ state: "rolled-back" });
    // The log keeps each undo's exit status: the user sees what the host did while Labdeck was away.
    expect((await host.execInNs(["cat", `${dir}/rollback.log`])).stdout).toContain("undo 3/3 exit 0");
  });

  async function readNetwork(): Promise<THostNetwork> {
    const out: NetworkReadOutputs = {};
    for (const step of networkReadSteps()) {
      const r = await run(step.argv);
      out[step.id] = r.exitStatus === 0 ? r.stdout : null;
    }
    const [client, , server] = (out["ssh-connection"] ?? "").trim().split(" ");
    out["route-get"] = (await run(routeGetArgv({ clientAddress: client ?? "", serverAddress: server ?? "" }))).stdout;
    return buildHostNetwork(out);
  }

  it("guards the SSH path of the real host", async () => {
    await runSteps([{ argv: ["ip", "link", "add", "brunused", "type", "bridge"], purpose: "an unrelated bridge" }]);
    const before = await readNetwork();
    expect(before.ssh).toMatchObject({ interface: "eth0", serverAddress: host.address, serverPort: 22 });

    const dropped = structuredClone(before);
    const input = findChain(dropped.iptables!, "filter", "INPUT")!;
    input.rules.unshift({ ...parseRule("-A INPUT -i eth0 -p tcp -m tcp --dport 22 -j DROP"), position: 1 });
    const verdict = checkSshPath(before, dropped);
    expect(verdict.ok).toBe(false);
    expect(verdict.reasons.join(" ")).toMatch(/eth0/);
    expect(verdict.reasons.join(" ")).toContain(`${host.address}:22`);

    const withoutBridge = structuredClone(before);
    withoutBridge.links = withoutBridge.links.filter((l) => l.name !== "brunused");
    withoutBridge.bridges = withoutBridge.bridges.filter((b) => b.name !== "brunused");
    expect(checkSshPath(before, withoutBridge)).toEqual({ ok: true, reasons: [] });
  });

  it("routes like the kernel: policy rules, tables, prohibit", async () => {
    await runSteps([
      { argv: ["ip", "link", "add", "brq", "type", "bridge"], purpose: "bridge" },
      { argv: ["ip", "link", "set", "brq", "up"], purpose: "up" },
      { argv: ["ip", "addr", "add", "10.77.0.1/24", "dev", "brq"], purpose: "address" },
      { argv: ["ip", "route", "add", "default", "via", "10.77.0.254", "dev", "brq", "table", "100"], purpose: "table 100" },
      { argv: ["ip", "route", "add", "10.66.0.0/16", "via", host.gateway, "dev", "eth0", "metric", "5"], purpose: "static" },
      { argv: ["ip", "rule", "add", "from", "10.77.0.1", "lookup", "100", "pref", "1000"], purpose: "source rule" },
      { argv: ["ip", "rule", "add", "to", "10.88.0.0/16", "prohibit", "pref", "1100"], purpose: "prohibit" },
      { argv: ["ip", "route", "add", "throw", "10.99.0.0/16", "table", "100"], purpose: "throw" },
    ]);
    const net = await readNetwork();
    const queries = [
      [host.address, host.gateway],
      ["10.77.0.1", "8.8.8.8"],
      ["10.77.0.1", "10.99.1.1"],
      [host.address, "10.66.3.4"],
      [host.address, "10.88.1.1"],
      [host.address, "1.1.1.1"],
      ["10.77.0.1", "10.88.1.1"],
    ] as const;
    for (const [src, dst] of queries) {
      const kernel = await run(["ip", "-j", "route", "get", dst, "from", src]);
      const mine = lookupRoute(net, { src, dst });
      if (kernel.exitStatus !== 0) {
        expect(mine.kind, `${src} -> ${dst}: kernel says ${kernel.stderr.trim()}`).toBe("refused");
        continue;
      }
      const [k] = JSON.parse(kernel.stdout) as Array<{ dev: string; gateway?: string }>;
      expect(mine, `${src} -> ${dst}`).toMatchObject({ kind: "route", dev: k?.dev, gateway: k?.gateway ?? null });
    }
  });
});
