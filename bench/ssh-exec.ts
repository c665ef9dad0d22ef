// Benchmark: one small command over SshPool versus OpenSSH's ssh with ControlMaster, on a
// real lab host. Run as root: `npx tsx bench/ssh-exec.ts [--n 500] [--parallel 2000]`.
// Results go to docs/performance.md by hand; this script only measures and prints.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Client } from "ssh2";
import { labHostsSupported, labHostTarget, startLabHost, type LabHost } from "../scripts/lab-host";
import { SshPool } from "../server/ssh/pool";
import { fmt, openSshArgs, summarize, throughput, timeEach, sshProcess } from "./support";

/** A bare ssh2 client without setNoDelay, to show what Nagle plus delayed ACK costs. */
async function withoutNoDelay(host: LabHost, n: number): Promise<number[]> {
  const c = new Client();
  await new Promise<void>((resolve, reject) => {
    c.once("ready", resolve).once("error", reject);
    c.connect({ host: host.address, port: host.port, username: host.username, privateKey: host.privateKey });
  });
  const once = () =>
    new Promise<void>((resolve, reject) =>
      c.exec("true", (err, ch) => {
        if (err) return reject(err);
        ch.on("close", () => resolve());
        ch.resume();
        ch.stderr.resume();
      }),
    );
  await timeEach(5, once);
  const samples = await timeEach(n, once);
  c.end();
  return samples;
}

async function streamEcho(host: LabHost, pool: SshPool, n: number): Promise<number[]> {
  const sock = path.join(host.runDir, "bench-echo.sock");
  host.spawnInNs(["socat", `UNIX-LISTEN:${sock},fork`, "EXEC:cat"]);
  while ((await host.execInNs(["test", "-S", sock])).code !== 0) await new Promise((r) => setTimeout(r, 10));
  const stream = await pool.openStreamLocal(labHostTarget(host), sock);
  const roundTrip = () =>
    new Promise<void>((resolve) => {
      stream.once("data", () => resolve());
      stream.write("x");
    });
  await timeEach(20, roundTrip);
  const samples = await timeEach(n, roundTrip);
  stream.end();
  return samples;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { n: { type: "string", default: "500" }, parallel: { type: "string", default: "2000" } },
  });
  const n = Number(values.n);
  const parallelTotal = Number(values.parallel);
  const support = labHostsSupported();
  if (!support.ok) throw new Error(`cannot run: ${support.reason}`);

  const host = await startLabHost();
  const pool = new SshPool({ maxChannelsPerHost: 8 });
  const dir = await mkdtemp(path.join(tmpdir(), "labdeck-bench-"));
  const target = labHostTarget(host);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  try {
    const sshArgs = await openSshArgs(host, dir);
    await sshProcess([...sshArgs, "true"]);
    await timeEach(20, () => pool.exec(target, ["true"]));

    // Interleaved in blocks so background load on the machine hits both sides alike.
    const ours: number[] = [];
    const theirs: number[] = [];
    const block = 50;
    for (let done = 0; done < n; done += block) {
      const k = Math.min(block, n - done);
      ours.push(...(await timeEach(k, () => pool.exec(target, ["true"]))));
      theirs.push(...(await timeEach(k, () => sshProcess([...sshArgs, "true"]))));
    }
    const a = summarize(ours);
    const b = summarize(theirs);
    const nagle = summarize(await withoutNoDelay(host, 40));
    const poolRate = await throughput(parallelTotal, 8, () => pool.exec(target, ["true"]));
    const sshRate = await throughput(Math.min(parallelTotal, 400), 8, () => sshProcess([...sshArgs, "true"]));
    const echo = summarize(await streamEcho(host, pool, 1000));

    out(`SSH exec of \`true\` on a lab host (${n} sequential runs each, interleaved)`);
    out(`  SshPool.exec (ssh2, no-delay)     ${fmt(a)}`);
    out(`  ssh + ControlMaster               ${fmt(b)}`);
    out(`  ratio (ControlMaster / SshPool)   p50 ${(b.p50 / a.p50).toFixed(1)}x  p99 ${(b.p99 / a.p99).toFixed(1)}x`);
    out(`  ssh2 without setNoDelay (40 runs) ${fmt(nagle)}`);
    out(`Throughput, 8 concurrent`);
    out(`  SshPool, 8 channels on one connection   ${poolRate.toFixed(0)} commands/s (${parallelTotal} runs)`);
    out(`  ssh + ControlMaster, 8 processes        ${sshRate.toFixed(0)} commands/s (${Math.min(parallelTotal, 400)} runs)`);
    out(`openStreamLocal 1-byte echo via socat (1000 round trips)  ${fmt(echo)}`);
  } finally {
    await sshProcess(["-O", "exit", ...(await openSshArgs(host, dir))]).catch(() => undefined);
    await pool.closeAll();
    await host.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
