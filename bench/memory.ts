// Benchmark: the production server's memory, measured from outside (VmRSS in
// /proc/PID/status) on the process `scripts/start.sh` starts, exactly as scripts/run.sh runs
// it: idle at start, after the first pages, with N real lab hosts in the inventory (pinned
// keys) and the SSH pool holding a connection to each, with V console viewers (real
// WebSocket clients with session cookies and tickets) on tiny guests' serial consoles, after
// C console open/close cycles and after S network.watch subscriptions (a leak shows as
// growth that a full GC does not undo). Run as root after `npm run build`:
//   npx tsx bench/memory.ts [--hosts 100] [--viewers 50] [--guests 1] [--cycles 1000]
//     [--subscriptions 300] [--snapshots DIR] [--start scripts/start.sh]
// Prints only. With --snapshots it also diffs heap snapshots taken around the cycles
// (objects per constructor); writing them inflates RSS, so take figures from runs without.
// The bench's hooks reach the server through NODE_OPTIONS (--expose-gc and a SIGUSR2
// handler, see support.ts), never through the production command.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
import type { LabHost } from "../scripts/lab-host";
import { labHostsSupported, startLabHost } from "../scripts/lab-host";
import type { AppRouter } from "../server/api/root";
import { useTempDataDir } from "../server/test-support/temp-data";
import {
  countGrowth,
  freePort,
  heapObjectCounts,
  loadAverage,
  mapBatches,
  mib,
  serverGc,
  serverMemoryHook,
  startLabdeckServer,
  sleep,
  vmRssKiB,
  type ServerMemory,
} from "./support";

const { values: args } = parseArgs({
  options: {
    hosts: { type: "string", default: "100" },
    viewers: { type: "string", default: "50" },
    guests: { type: "string", default: "1" },
    cycles: { type: "string", default: "1000" },
    subscriptions: { type: "string", default: "300" },
    snapshots: { type: "string" },
    // Another start script to compare settings with (same contract as scripts/start.sh).
    start: { type: "string", default: "scripts/start.sh" },
  },
});
const HOSTS = Number(args.hosts);
const VIEWERS = Number(args.viewers);
const GUESTS = Math.max(1, Math.min(Number(args.guests), HOSTS));
const CYCLES = Number(args.cycles);
const SUBSCRIPTIONS = Number(args.subscriptions);

interface Row {
  what: string;
  rss: number;
  gc: ServerMemory;
}

/** SSH connections the server process holds open: ESTAB TCP sockets to port 22 owned by its pid. */
async function serverSshConnections(pid: number): Promise<number> {
  const out = await new Promise<string>((resolve, reject) => {
    const ss = spawn("ss", ["-Htnp", "state", "established", "( dport = :22 )"], { stdio: ["ignore", "pipe", "inherit"] });
    let s = "";
    ss.stdout.on("data", (c: Buffer) => (s += c.toString()));
    ss.on("error", reject);
    ss.on("exit", () => resolve(s));
  });
  return out.split("\n").filter((l) => l.includes(`pid=${pid},`)).length;
}

async function main(): Promise<void> {
  const support = labHostsSupported();
  if (!support.ok) throw new Error(`lab hosts unsupported: ${support.reason}`);
  if (!(await readFile("build/server/main.mjs").catch(() => null))) throw new Error("no build/server/main.mjs: run `npm run build` first");
  const loadBefore = await loadAverage();
  const dataDir = await useTempDataDir("labdeck-bench-memory-");
  const { db } = await import("../server/db");
  const { startSecrets } = await import("../server/services/secret-start");
  const { newSessionToken, sessionIdFromToken, SESSION_COOKIE } = await import("../server/auth/session-token");
  const { SshPool } = await import("../server/ssh/pool");
  const { addPinnedLabHost } = await import("../server/test-support/inventory-host");
  const { guestRunFiles, ZGuestDefinition } = await import("../server/hypervisors/qemu/guest-definition");
  const { openConsole, startTinyGuest } = await import("../server/test-support/console-clients");

  const secret = await startSecrets(db, { dataDir });
  const admin = await db.user.create({ data: { username: "bench", passwordHash: "x", role: "admin" } });
  const token = newSessionToken();
  await db.session.create({ data: { id: sessionIdFromToken(token), userId: admin.id, expiresAt: new Date(Date.now() + 6 * 3600_000) } });
  const cookie = `${SESSION_COOKIE}=${token}`;

  const labs: LabHost[] = [];
  const guests: { stop(): Promise<void> }[] = [];
  let server: ChildProcess | null = null;
  const cleanup = async () => {
    server?.kill("SIGTERM");
    await Promise.allSettled(guests.map((g) => g.stop()));
    await mapBatches(labs, 10, (h) => h.stop().catch((err: unknown) => console.error(`could not stop ${h.name}:`, err)));
  };
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => void cleanup().finally(() => process.exit(130)));

  try {
    const t0 = performance.now();
    labs.push(
      ...(await mapBatches(
        Array.from({ length: HOSTS }, (_, i) => i),
        10,
        (i) => startLabHost({ name: `mem${i}-${process.pid}` }),
      )),
    );
    const pool = new SshPool();
    const actor = { userId: admin.id, username: "bench" };
    const hostIds = await mapBatches(labs, 10, (lab, i) => addPinnedLabHost({ db, ssh: pool, secret, actor }, lab, `mem-${i}`));
    await pool.closeAll();
    const guestIds: string[] = [];
    for (let g = 0; g < GUESTS; g++) {
      const lab = labs[g] as LabHost;
      const name = `memguest${g}`;
      guests.push(await startTinyGuest(lab, guestRunFiles(lab.runDir, name).dir));
      // A valid definition: the network page's read lists every guest's NICs from it.
      const definitionJson = JSON.stringify(ZGuestDefinition.parse({ name, accel: "tcg", memoryMiB: 256 }));
      const row = await db.guest.create({ data: { hostId: hostIds[g] as string, name, definitionJson, createdBy: "bench" } });
      guestIds.push(row.id);
    }
    console.log(
      `${HOSTS} lab hosts added with pinned keys and ${GUESTS} tiny guest(s) booted in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    // The server applies migrations at start and wants the database to itself for that.
    await db.$disconnect();
    const port = await freePort();
    const memFile = path.join(dataDir, "server-memory.json");
    // The production start command (scripts/start.sh, or --start), with the bench's hook.
    server = await startLabdeckServer({
      dataDir,
      port,
      startScript: args.start,
      logLevel: "info",
      env: { NODE_OPTIONS: serverMemoryHook(), LABDECK_BENCH_MEM_FILE: memFile },
      stdout: "keep",
      timeoutMs: 120_000,
    });
    const pid = server.pid as number;
    const base = `http://127.0.0.1:${port}`;
    const rows: Row[] = [];
    const snapDir = args.snapshots === undefined ? undefined : path.resolve(args.snapshots);
    if (snapDir !== undefined) await mkdir(snapDir, { recursive: true });
    const measure = async (what: string, settleMs = 3000, snapshot?: string) => {
      await sleep(settleMs);
      const rss = await vmRssKiB(pid);
      const gc = await serverGc(pid, memFile, snapshot && snapDir ? path.join(snapDir, snapshot) : undefined);
      rows.push({ what, rss, gc });
      console.log(
        `${what.padEnd(58)} RSS ${mib(rss * 1024)}  after GC ${mib(gc.rssAfterGc * 1024)}  heap ${mib(gc.heapUsed)}  external ${mib(gc.external)}`,
      );
    };
    await measure("idle after start (no request yet)", 5000);

    const trpc = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${base}/api/trpc`, transformer: superjson, headers: { cookie, origin: base } })],
    });
    for (const page of ["/sign-in", "/", `/hosts/${hostIds[0]}`, `/guests/${guestIds[0]}/console`]) {
      const res = await fetch(`${base}${page}`, { headers: { cookie } });
      await res.arrayBuffer();
    }
    await measure("after the first pages (sign-in, hosts, host, console)");

    // A read on every host: the pool opens a connection to each and keeps it.
    await mapBatches(hostIds, 10, (id) => trpc.guests.unmanaged.query({ hostId: id }));
    const conns = await serverSshConnections(pid);
    if (conns < HOSTS) throw new Error(`the server holds ${conns} SSH connections, expected ${HOSTS}`);
    await measure(`${HOSTS} hosts connected (${conns} SSH connections held)`);

    const viewers = await mapBatches(
      Array.from({ length: VIEWERS }, (_, i) => guestIds[i % guestIds.length] as string),
      10,
      async (id) => {
        const { ticket } = await trpc.guests.consoleTicket.mutate({ id });
        const c = await openConsole(base, id, { cookie, ticket });
        await c.waitForState("live", 30_000);
        return c;
      },
    );
    (viewers[0] ?? null)?.ws.send("echo viewers-$((25*2))\r");
    await Promise.all(viewers.map((v) => v.waitForText("viewers-50", 30_000)));
    await measure(`${HOSTS} hosts + ${VIEWERS} console viewers (all saw the same output)`);
    await Promise.all(viewers.map((v) => v.close()));
    await measure("viewers closed (after the hub's 5 s linger)", 8000);
    await measure("same, again (what a second GC still frees)", 2000, "before-cycles.heapsnapshot");

    const cycleMs: number[] = [];
    for (let i = 1; i <= CYCLES; i++) {
      const t = performance.now();
      const id = guestIds[i % guestIds.length] as string;
      const { ticket } = await trpc.guests.consoleTicket.mutate({ id });
      const c = await openConsole(base, id, { cookie, ticket });
      await c.waitForState("live", 30_000);
      await c.close();
      cycleMs.push(performance.now() - t);
      if (i % (CYCLES / 4) === 0 && i < CYCLES) await measure(`after ${i} console open/close cycles`, 0);
    }
    await measure(`after ${CYCLES} console open/close cycles (+ linger)`, 8000);
    await measure("same, again", 2000, "after-cycles.heapsnapshot");

    // What an open network page holds: a live-update subscription (SSE) that also joins the
    // shared background read of its host (first read one interval, 10 s, after joining),
    // closed by the client after that read as a closed tab would. In waves of 30 on 10 hosts.
    const watchOnce = async (hostId: string) => {
      const input = encodeURIComponent(JSON.stringify(superjson.serialize({ hostId, refresh: [hostId] })));
      const ac = new AbortController();
      const res = await fetch(`${base}/api/trpc/network.watch?input=${input}`, {
        headers: { cookie, accept: "text/event-stream" },
        signal: ac.signal,
      });
      if (!res.ok || !res.body) throw new Error(`network.watch answered ${res.status}`);
      const reader = res.body.getReader();
      let seen = "";
      while (!seen.includes('"refreshed"')) {
        const chunk = await reader.read();
        if (!chunk.done) seen += Buffer.from(chunk.value).toString();
        if (chunk.done || seen.includes("refresh-failed")) throw new Error(`network.watch gave no refreshed view: ${seen.slice(-500)}`);
      }
      ac.abort();
      await reader.cancel().catch(() => undefined);
    };
    for (let done = 0; done < SUBSCRIPTIONS; done += 30) {
      const wave = Array.from(
        { length: Math.min(30, SUBSCRIPTIONS - done) },
        (_, k) => hostIds[(done + k) % Math.min(10, hostIds.length)] as string,
      );
      await Promise.all(wave.map(watchOnce));
    }
    await measure(`after ${SUBSCRIPTIONS} network.watch subscriptions opened and closed`, 8000);
    await measure("same, again", 2000, "after-subscriptions.heapsnapshot");

    const sorted = [...cycleMs].sort((a, b) => a - b);
    console.log(
      `\none open/close cycle (ticket, WebSocket, live, close): p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms, p99 ${sorted[Math.floor(sorted.length * 0.99)]?.toFixed(1)} ms`,
    );
    const byName = (prefix: string) => rows.find((r) => r.what.startsWith(prefix));
    const end = rows[rows.findIndex((r) => r.what.startsWith(`after ${CYCLES} console`)) + 1];
    const pct = (a: number, b: number) => `${b >= a ? "+" : ""}${(((b - a) / a) * 100).toFixed(1)} %`;
    const compare = (label: string, ref: Row | undefined, to: Row | undefined) => {
      if (ref && to)
        console.log(
          `${label} vs "${ref.what}", both after GC: RSS ${pct(ref.gc.rssAfterGc, to.gc.rssAfterGc)}, JS heap ${pct(ref.gc.heapUsed, to.gc.heapUsed)}`,
        );
    };
    for (const ref of [byName("same, again (what a second GC"), byName(`${HOSTS} hosts connected`), rows[0]])
      compare(`after ${CYCLES} cycles`, ref, end);
    compare(`after ${SUBSCRIPTIONS} subscriptions`, end, rows[rows.length - 1]);
    if (snapDir !== undefined) {
      const counts = async (f: string) => heapObjectCounts(path.join(snapDir, `${f}.heapsnapshot`));
      const [before, afterCycles, afterSubs] = await Promise.all([
        counts("before-cycles"),
        counts("after-cycles"),
        counts("after-subscriptions"),
      ]);
      console.log(`\nobjects per constructor that changed over the ${CYCLES} console cycles (heap snapshots in ${snapDir}):`);
      for (const line of countGrowth(before, afterCycles)) console.log(`  ${line}`);
      console.log(`\n... and over the ${SUBSCRIPTIONS} network.watch subscriptions:`);
      for (const line of countGrowth(afterCycles, afterSubs)) console.log(`  ${line}`);
    }
    console.log(`load average before: ${loadBefore}; after: ${await loadAverage()}; ${os.cpus().length} CPUs`);
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
