// Benchmark: a big host network through Labdeck, beside the same commands as one script
// over plain OpenSSH, in one run. Run as root: `npx tsx bench/topology.ts [--n 10]`.
// The lab host gets 200 interfaces (100 veth pairs) and 500 iptables rules; then:
//   read  = the read steps over SshPool + parsing into THostNetwork (what the page waits for)
//   draw  = THostNetwork -> React Flow nodes and edges (the canvas transform)
//   plan  = 50 ops -> 50 plan steps against that model
//   apply = the 50 steps one by one over SshPool (as the job runner sends them; the runner
//           adds one audit row per step on top), vs the plan's script piped to `ssh … sh`.
import { mkdtemp, rm } from "node:fs/promises";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { labHostsSupported, labHostTarget, startLabHost, type LabHost } from "../scripts/lab-host";
import { SshPool } from "../server/ssh/pool";
import type { SshTarget } from "../server/ssh/types";
import { buildHostNetwork, type NetworkReadOutputs, type THostNetwork } from "../server/network/network-model";
import { networkReadSteps, routeGetArgv } from "../server/network/read-commands";
import { readNetwork } from "../server/network/read-network";
import { parseSshConnection } from "../server/network/parse-sysctl";
import { buildNetworkPlan } from "../server/network/plan/build-plan";
import type { TNetOp } from "../server/network/ops";
import { planToShellScript } from "../server/jobs/plan-script";
import { buildTopologyGraph } from "../components/network/topology-graph";
import { fmt, openSshArgs, summarize, timeEach } from "./support";

const PAIRS = 100;
const RULES = 500;

async function populate(host: LabHost): Promise<void> {
  const batch = Array.from({ length: PAIRS }, (_, i) => `link add bv${i}a type veth peer name bv${i}b`).join("\n");
  await nsStdin(host, ["ip", "-batch", "-"], `${batch}\n`);
  const rules = ["*filter", ":LABBENCH - [0:0]"];
  for (let i = 0; i < RULES; i++) {
    const kind = i % 5;
    if (kind === 0) rules.push(`-A FORWARD -s 10.${i % 250}.0.0/16 -i bv${i % PAIRS}a -p tcp -m tcp --dport ${1000 + i} -j ACCEPT`);
    else if (kind === 1)
      rules.push(`-A FORWARD -d 192.168.${i % 250}.0/24 -p udp -m udp --dport ${2000 + i} -m comment --comment "bench rule ${i}" -j DROP`);
    else if (kind === 2) rules.push(`-A LABBENCH -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
    else if (kind === 3)
      rules.push(`-A LABBENCH -p tcp -m multiport --dports ${i},${i + 1},${i + 2}:${i + 9} -j REJECT --reject-with tcp-reset`);
    else rules.push(`-A FORWARD -o bv${i % PAIRS}b -j LOG --log-prefix "bench${i} " --log-level 6`);
  }
  rules.push("COMMIT");
  await nsStdin(host, ["iptables-restore", "--noflush"], `${rules.join("\n")}\n`);
}

function nsStdin(host: LabHost, argv: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("ip", ["netns", "exec", host.namespace, ...argv], { stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${argv.join(" ")}: ${err}`))));
    child.stdin.end(input);
  });
}

/** 50 steps: 10 bridges (add + up), 10 addresses, 10 veth ends enslaved (master + up). */
function fiftyStepOps(): TNetOp[] {
  const ops: TNetOp[] = [];
  for (let i = 0; i < 10; i++) ops.push({ op: "bridge.create", name: `bbr${i}`, stp: false });
  for (let i = 0; i < 10; i++) ops.push({ op: "address.add", dev: `bbr${i}`, cidr: `172.31.${i}.1/24` });
  for (let i = 0; i < 10; i++) ops.push({ op: "port.attach", port: `bv${i}a`, bridge: `bbr${i}` });
  return ops;
}

async function resetPlanEffects(host: LabHost): Promise<void> {
  const batch = Array.from({ length: 10 }, (_, i) => `link del bbr${i}`).join("\n");
  await nsStdin(host, ["ip", "-batch", "-"], `${batch}\n`);
}

function sshScript(args: string[], script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("ssh", [...args, "sh"], { stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`ssh sh exited ${code}: ${err}`))));
    child.stdin.end(script);
  });
}

async function rawOutputs(pool: SshPool, target: SshTarget): Promise<NetworkReadOutputs> {
  const steps = networkReadSteps();
  const res = await Promise.all(steps.map((s) => pool.exec(target, s.argv)));
  const out: NetworkReadOutputs = {};
  steps.forEach((s, i) => (out[s.id] = res[i]?.exitStatus === 0 ? (res[i]?.stdout ?? null) : null));
  const ssh = parseSshConnection(out["ssh-connection"] ?? "");
  if (ssh) out["route-get"] = (await pool.exec(target, routeGetArgv(ssh))).stdout;
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { n: { type: "string", default: "10" } } });
  const n = Number(values.n);
  const support = labHostsSupported();
  if (!support.ok) throw new Error(`needs lab hosts: ${support.reason}`);
  const host = await startLabHost({ name: `bench${process.pid}` });
  const pool = new SshPool();
  const target = labHostTarget(host);
  const dir = await mkdtemp(path.join(tmpdir(), "labdeck-bench-"));
  try {
    await populate(host);
    const exec = ({ argv }: { argv: string[] }) => pool.exec(target, argv);
    let net: THostNetwork = await readNetwork(exec);
    const rules = (net.iptables?.tables ?? []).flatMap((t) => t.chains.flatMap((c) => c.rules)).length;
    console.log(`host: ${net.links.length} interfaces, ${rules} iptables rules, ${net.routes.length} routes`);

    const read = await timeEach(n, async () => (net = await readNetwork(exec)));
    const outputs = await rawOutputs(pool, target);
    const parse = await timeEach(n * 5, async () => buildHostNetwork(outputs));
    const draw = await timeEach(n * 5, async () => buildTopologyGraph({ network: net, guests: [] }));
    const ops = fiftyStepOps();
    let steps = buildNetworkPlan(net, ops, { workDir: `${host.runDir}/network/bench` }).steps;
    const plan = await timeEach(n * 5, async () => (steps = buildNetworkPlan(net, ops, { workDir: `${host.runDir}/network/bench` }).steps));
    console.log(`plan: ${steps.length} steps`);

    const applyPool: number[] = [];
    const applyScript: number[] = [];
    const script = planToShellScript({ title: "bench", steps }, "bench");
    const sshArgs = await openSshArgs(host, dir);
    const plainArgs = sshArgs.filter((a, i, all) => !a.startsWith("Control") && !(a === "-o" && all[i + 1]?.startsWith("Control")));
    for (let i = 0; i < n; i++) {
      // Interleaved, and the host reset between runs, so each run really changes it.
      let t = performance.now();
      for (const s of steps) {
        const r = await pool.exec(target, s.argv, s.stdin !== undefined ? { stdin: s.stdin } : {});
        if (r.exitStatus !== 0) throw new Error(`${s.argv.join(" ")}: ${r.stderr}`);
      }
      applyPool.push(performance.now() - t);
      await resetPlanEffects(host);
      t = performance.now();
      await sshScript(plainArgs, script);
      applyScript.push(performance.now() - t);
      await resetPlanEffects(host);
    }
    console.log(`read over SshPool + parse   ${fmt(summarize(read))}`);
    console.log(`  of which parsing          ${fmt(summarize(parse))}`);
    console.log(`draw (model -> graph)       ${fmt(summarize(draw))}`);
    console.log(`plan (50 ops)               ${fmt(summarize(plan))}`);
    console.log(`apply, step by step, pool   ${fmt(summarize(applyPool))}`);
    console.log(`apply, one script, ssh      ${fmt(summarize(applyScript))}`);
  } finally {
    await pool.closeAll();
    await host.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
