// Helpers shared by the benchmarks: percentiles, timing loops, OpenSSH arguments for a lab
// host (pinned host key, the lab's client key, optional ControlMaster), and starting the
// Labdeck server under test.
import { spawn, type ChildProcess } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import net from "node:net";
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

/** A TCP port on loopback that nothing listens on right now (for a server the bench starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      srv.close(() => (a && typeof a === "object" ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

export interface LabdeckServerOptions {
  dataDir: string;
  port: number;
  /** Checkout to run from (a baseline to compare with); this one by default. */
  cwd?: string;
  /** Start through this script (scripts/start.sh: the production build, as scripts/run.sh does) instead of `tsx server/main.ts`. */
  startScript?: string;
  /** Default "warn". */
  logLevel?: string;
  /** Added to the environment (NODE_OPTIONS with a hook, a bench's own settings). */
  env?: Record<string, string | undefined>;
  /**
   * The server's stdout: dropped, copied to this process's stderr, or kept (its last
   * few KiB go into the error when it does not start). Its stderr is shown, or kept too.
   */
  stdout?: "ignore" | "stderr" | "keep";
  stderr?: "inherit" | "keep";
  /** How long to wait for it to answer; default 90 s. */
  timeoutMs?: number;
}

/**
 * Starts the server the way the benches measure it and resolves once it answers a tRPC
 * request on its port; a server that exits or does not answer in time is stopped and
 * refused with its exit status (and its kept output).
 */
export async function startLabdeckServer(opts: LabdeckServerOptions): Promise<ChildProcess> {
  const cwd = opts.cwd ?? process.cwd();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(opts.port),
    LABDECK_DATA_DIR: opts.dataDir,
    DATABASE_URL: `file:${path.join(opts.dataDir, "labdeck.db")}`,
    LOG_LEVEL: opts.logLevel ?? "warn",
    NEXT_TELEMETRY_DISABLED: "1",
    ...opts.env,
  };
  const out = opts.stdout ?? "ignore";
  const err = opts.stderr ?? "inherit";
  const stdio: ["ignore", "ignore" | "pipe" | NodeJS.WriteStream, "inherit" | "pipe"] = [
    "ignore",
    out === "keep" ? "pipe" : out === "stderr" ? process.stderr : "ignore",
    err === "keep" ? "pipe" : "inherit",
  ];
  const child =
    opts.startScript === undefined
      ? spawn(process.execPath, [path.join(cwd, "node_modules/tsx/dist/cli.mjs"), "server/main.ts"], { cwd, env, stdio })
      : spawn("bash", [opts.startScript], { cwd, env, stdio });
  let log = "";
  const keep = (b: Buffer) => (log = (log + b.toString()).slice(-4000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const what = opts.startScript ?? "server/main.ts";
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${opts.port}/api/trpc/auth.setupStatus`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    const failed =
      child.exitCode !== null || child.signalCode !== null
        ? `${what} exited (${child.exitCode ?? child.signalCode})`
        : Date.now() > deadline
          ? `${what} did not answer within ${Math.round((opts.timeoutMs ?? 90_000) / 1000)} s`
          : null;
    if (failed !== null) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      throw new Error(log ? `${failed}:\n${log}` : failed);
    }
    await sleep(250);
  }
}

/** OpenSSH client options for a lab host: its key only, its pinned host key only, no prompts. */
export function plainSshArgs(host: LabHost, knownHosts: string, extra: readonly string[] = []): string[] {
  return [
    "-F",
    "/dev/null",
    "-i",
    host.privateKeyFile,
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${knownHosts}`,
    ...extra,
    "-o",
    "LogLevel=ERROR",
    `${host.username}@${host.address}`,
  ];
}

/** plainSshArgs with a ControlMaster in `dir`: one connection reused by every ssh after the first. */
export async function openSshArgs(host: LabHost, dir: string): Promise<string[]> {
  const pub = (await readFile(path.join(host.dir, "ssh_host_ed25519_key.pub"), "utf8")).split(" ");
  const knownHosts = path.join(dir, "known_hosts");
  await writeFile(knownHosts, `${host.address} ${pub[0]} ${pub[1]}\n`);
  return plainSshArgs(host, knownHosts, [
    "-o",
    "ControlMaster=auto",
    "-o",
    `ControlPath=${path.join(dir, "cm")}`,
    "-o",
    "ControlPersist=60",
  ]);
}

// ---- Memory of a server process, measured from outside (bench/memory.ts) ----

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;

export async function loadAverage(): Promise<string> {
  return (await readFile("/proc/loadavg", "utf8")).split(" ").slice(0, 3).join(" ");
}

/** Resident set size of a process in KiB, as the kernel counts it (VmRSS). */
export async function vmRssKiB(pid: number): Promise<number> {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(await readFile(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

/** Runs fn over items, at most `width` at once, keeping the order of results. */
export async function mapBatches<T, R>(items: readonly T[], width: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T, i);
    }),
  );
  return out;
}

// Loaded into the server under test through NODE_OPTIONS only (never by scripts/start.sh):
// on SIGUSR2 it runs two full GCs, writes a heap snapshot when the bench asked for one
// (a file "<mem file>.snapshot" naming where), and writes process.memoryUsage() with a
// sequence number, so the bench knows the GC has happened before it reads VmRSS.
const HOOK = `
import fs from "node:fs";
import v8 from "node:v8";
let seq = 0;
process.on("SIGUSR2", () => {
  seq++;
  const file = process.env.LABDECK_BENCH_MEM_FILE;
  globalThis.gc(); globalThis.gc();
  let snap = null;
  try { snap = fs.readFileSync(file + ".snapshot", "utf8"); fs.rmSync(file + ".snapshot"); } catch {}
  if (snap) { v8.writeHeapSnapshot(snap); globalThis.gc(); }
  fs.writeFileSync(file + ".tmp", JSON.stringify({ seq, ...process.memoryUsage() }));
  fs.renameSync(file + ".tmp", file);
});
`;

export function serverMemoryHook(): string {
  return `--expose-gc --import=data:text/javascript,${encodeURIComponent(HOOK)}`;
}

export interface ServerMemory {
  /** VmRSS in KiB read right after the server's full GC. */
  rssAfterGc: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

let gcSeq = 0;

/**
 * Asks the server (started with serverMemoryHook) for a full GC, then reads its VmRSS.
 * With `snapshot`, the server also writes a heap snapshot there (which inflates VmRSS: keep
 * runs with snapshots out of the figures).
 */
export async function serverGc(pid: number, memFile: string, snapshot?: string): Promise<ServerMemory> {
  const want = ++gcSeq;
  if (snapshot !== undefined) await writeFile(`${memFile}.snapshot`, snapshot);
  process.kill(pid, "SIGUSR2");
  for (let i = 0; i < 1200; i++) {
    const m = await readFile(memFile, "utf8").then(
      (s) => JSON.parse(s) as { seq: number } & Omit<ServerMemory, "rssAfterGc">,
      () => null,
    );
    if (m && m.seq >= want) {
      await sleep(200);
      return {
        rssAfterGc: await vmRssKiB(pid),
        heapUsed: m.heapUsed,
        heapTotal: m.heapTotal,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
      };
    }
    await sleep(100);
  }
  throw new Error("the server did not answer the GC request");
}

/** Objects per constructor name in a V8 heap snapshot (what `writeHeapSnapshot` writes). */
export async function heapObjectCounts(file: string): Promise<Map<string, number>> {
  const snap = JSON.parse(await readFile(file, "utf8")) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [width, typeAt, nameAt] = [fields.length, fields.indexOf("type"), fields.indexOf("name")];
  const counts = new Map<string, number>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt] as number];
    if (type !== "object" && type !== "closure") continue;
    const name = `${type === "closure" ? "closure " : ""}${snap.strings[snap.nodes[i + nameAt] as number] ?? "?"}`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** Constructors whose object count changed between two snapshots, largest growth first. */
export function countGrowth(before: Map<string, number>, after: Map<string, number>, top = 15): string[] {
  const rows: [string, number, number][] = [];
  for (const [name, n] of after) if (n !== (before.get(name) ?? 0)) rows.push([name, before.get(name) ?? 0, n]);
  for (const [name, n] of before) if (!after.has(name)) rows.push([name, n, 0]);
  rows.sort((a, b) => b[2] - b[1] - (a[2] - a[1]));
  return rows
    .slice(0, top)
    .map(
      ([name, a, b]) =>
        `${name.slice(0, 60).padEnd(60)} ${String(a).padStart(7)} → ${String(b).padStart(7)} (${b - a >= 0 ? "+" : ""}${b - a})`,
    );
}
