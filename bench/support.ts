// Helpers shared by the benchmarks: percentiles, timing loops, and OpenSSH arguments for
// a lab host (pinned host key, the lab's client key, optional ControlMaster).
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { LabHost } from "../scripts/lab-host";

export interface Summary {
  p50: number;
  p99: number;
  mean: number;
}

export function summarize(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

export function fmt(s: Summary): string {
  return `p50 ${s.p50.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms  mean ${s.mean.toFixed(2)} ms`;
}

export async function timeEach(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

export async function throughput(total: number, concurrency: number, fn: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await fn();
    }),
  );
  return total / ((performance.now() - t) / 1000);
}

export function sshProcess(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("ssh", args, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`ssh exited ${code}: ${err}`))));
  });
}

export async function openSshArgs(host: LabHost, dir: string): Promise<string[]> {
  const pub = (await readFile(path.join(host.dir, "ssh_host_ed25519_key.pub"), "utf8")).split(" ");
  const knownHosts = path.join(dir, "known_hosts");
  await writeFile(knownHosts, `${host.address} ${pub[0]} ${pub[1]}\n`);
  return [
    "-F", "/dev/null",
    "-i", host.privateKeyFile,
    "-o", "IdentitiesOnly=yes",
    "-o", "BatchMode=yes",
    "-o", "StrictHostKeyChecking=yes",
    "-o", `UserKnownHostsFile=${knownHosts}`,
    "-o", "ControlMaster=auto",
    "-o", `ControlPath=${path.join(dir, "cm")}`,
    "-o", "ControlPersist=60",
    "-o", "LogLevel=ERROR",
    `${host.username}@${host.address}`,
  ];
}

