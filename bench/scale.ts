// Benchmark (issue 11): a lab of many hosts and guests. Run as root, after `npx next build`:
//   npx tsx bench/scale.ts [--hosts 100] [--guests 10000] [--no-browser]
// 1. probe: N real harness hosts probed at once through the job runner, as before (every job
//    at once, a channel per command) and now (probe jobs queued with bounded concurrency,
//    each phase of reads in one round trip), beside what a user does by hand: `ssh host
//    true` and a shell loop running the probe's commands over ssh, one host after another
//    and 8 at a time. Fresh SSH connections in every variant.
// 2. list: M real guest rows on those hosts; one guests.page answer against the whole
//    inventory (guests.list), then Chromium on the production build: sign in, open
//    /guests, time until the first rows show their states, and after scrolling to the middle.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { labHostsSupported, type LabHost } from "../scripts/lab-host";
import { useTempDataDir } from "../server/test-support/temp-data";
import { addPinnedLabHosts, startLabHosts, stopAll } from "../server/test-support/many-hosts";
import { guestName, insertGuests } from "../server/test-support/guest-rows";
import { mapLimit } from "../server/concurrency";
import { fmt, freePort, plainSshArgs, startLabdeckServer, summarize, timeEach } from "./support";

const { values: opt } = parseArgs({
  options: {
    hosts: { type: "string", default: "100" },
    guests: { type: "string", default: "10000" },
    "no-browser": { type: "boolean", default: false },
  },
});
const HOSTS = Number(opt.hosts);
const GUESTS = Number(opt.guests);

const load = () => readFileSync("/proc/loadavg", "utf8").trim();

/** This process's CPU time (user + system) since `from`, in seconds: Labdeck's own share of the two cores. */
const cpuSeconds = (from: NodeJS.CpuUsage): string => {
  const d = process.cpuUsage(from);
  return ((d.user + d.system) / 1e6).toFixed(2);
};

/** Samples the run queue (4th field of /proc/loadavg, "running/total") while fn runs: the crowd a step waits in. */
async function withRunQueue<T>(fn: () => Promise<T>): Promise<{ value: T; peakRunnable: number }> {
  let peak = 0;
  const timer = setInterval(() => {
    const runnable = Number(load().split(" ")[3]?.split("/")[0] ?? 0);
    peak = Math.max(peak, runnable);
  }, 50);
  try {
    return { value: await fn(), peakRunnable: peak };
  } finally {
    clearInterval(timer);
  }
}

function run(argv: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ["ignore", "ignore", "ignore"] });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? -1));
  });
}

async function byHand(hosts: LabHost[], dir: string, remote: string[], parallel: number): Promise<{ ms: number; failed: number }> {
  const t = performance.now();
  const codes = await mapLimit(hosts, parallel, (h) => run(["ssh", ...plainSshArgs(h, path.join(dir, `known-${h.name}`)), ...remote]));
  return { ms: performance.now() - t, failed: codes.filter((c) => c !== 0).length };
}

// What a user would type to learn what the probe learns, as one line per host.
const PROBE_BY_HAND =
  "uname -m; uname -r; cat /etc/os-release; cat /proc/cpuinfo; cat /proc/meminfo; lsblk -J -b -o NAME,SIZE,TYPE,MODEL,MOUNTPOINTS; " +
  "ls -lLd /dev/kvm /dev/net/tun /vmlinuz; ls -1 /boot; find -H /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin /usr/libexec -maxdepth 1 -name 'qemu-*' -o -name ip -o -name lvm; " +
  "cat /proc/sys/net/ipv4/ip_forward; qemu-system-x86_64 --version; qemu-img --version; lvm version; ip -V; bridge -V; brctl -V; iptables -V";

async function probeVariant(label: string, ids: string[], o: { limit: number | null; batched: boolean }): Promise<void> {
  const { db } = await import("../server/db");
  const { SshPool } = await import("../server/ssh/pool");
  const { JobRunner } = await import("../server/jobs/job-runner");
  const { runtime } = await import("../server/test-support/runtime");
  const { hostTarget } = await import("../server/services/host-target");
  const { probeJobHandler } = await import("../server/services/probe-job");
  const { probeHost } = await import("../server/hosts/probe/probe");
  const jobService = await import("../server/services/job-service");
  const secret = runtime().secret;
  const ssh = new SshPool();
  const jobs = new JobRunner({
    db,
    ssh,
    targetFor: (id) => hostTarget(db, secret, id),
    ...(o.limit ? { kindLimits: { probe: o.limit } } : {}),
  });
  jobs.register(
    "probe",
    o.batched
      ? probeJobHandler
      : async (ctx) => {
          // The probe as it was: every step on its own channel, the reads all at once.
          const caps = await probeHost((s) =>
            ctx.runStep({ argv: s.argv, purpose: s.purpose, timeoutMs: s.timeoutMs, optional: s.optional }),
          );
          await db.host.update({ where: { id: ctx.hostId }, data: { probeJson: JSON.stringify(caps), probedAt: new Date() } });
        },
  );
  const before = load();
  const cpu = process.cpuUsage();
  const t = performance.now();
  const { value: jobIds, peakRunnable } = await withRunQueue(async () => {
    const started = await Promise.all(
      ids.map((hostId) => jobService.startProbe({ db, jobs, actor: { userId: null, username: "bench" } }, { hostId })),
    );
    await jobs.idle();
    return started.map((j) => j.jobId);
  });
  const ms = performance.now() - t;
  const used = cpuSeconds(cpu);
  const rows = await db.job.findMany({ where: { id: { in: jobIds } }, select: { status: true, error: true } });
  const failed = rows.filter((r) => r.status !== "succeeded");
  const steps = await db.auditEvent.count({ where: { jobId: { in: jobIds } } });
  console.log(
    `probe ${label.padEnd(44)} ${(ms / 1000).toFixed(2)} s  failed ${failed.length}/${ids.length}  Labdeck CPU ${used} s  commands audited ${steps}  peak runnable ${peakRunnable}  load before ${before.split(" ").slice(0, 3).join(" ")}`,
  );
  for (const f of failed.slice(0, 3)) console.log(`    ${f.status}: ${f.error ?? ""}`);
  await ssh.closeAll();
}

/**
 * The floor under Labdeck's own probe: its SSH layer alone (no job runner, no database),
 * a fresh connection per host, `limit` at once, running `remote` as one exec.
 */
async function sshLayerVariant(label: string, ids: string[], remote: string[], limit: number): Promise<void> {
  const { db } = await import("../server/db");
  const { SshPool } = await import("../server/ssh/pool");
  const { runtime } = await import("../server/test-support/runtime");
  const { hostTarget } = await import("../server/services/host-target");
  const secret = runtime().secret;
  const targets = await Promise.all(ids.map((id) => hostTarget(db, secret, id)));
  const ssh = new SshPool();
  const before = load();
  const cpu = process.cpuUsage();
  const t = performance.now();
  const codes = await mapLimit(targets, limit, async (target) => {
    const r = await ssh.exec(target, remote, { timeoutMs: 60_000 }).catch(() => null);
    return r?.exitStatus ?? -1;
  });
  const ms = performance.now() - t;
  console.log(
    `${label.padEnd(50)}       ${(ms / 1000).toFixed(2)} s  failed ${codes.filter((c) => c !== 0).length}/${ids.length}  Labdeck CPU ${cpuSeconds(cpu)} s  load before ${before.split(" ").slice(0, 3).join(" ")}`,
  );
  await ssh.closeAll();
}

async function browserList(dataDir: string): Promise<void> {
  const { db } = await import("../server/db");
  const { createUser } = await import("../server/services/user-service");
  await createUser(db, { userId: null, username: "bench" }, { username: "bench", password: "bench password 1", role: "admin" });
  // The server applies migrations at start, which needs the database to itself.
  await db.$disconnect();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // Its output is kept and shown only when it does not start.
  const server = await startLabdeckServer({ dataDir, port, stdout: "keep", stderr: "keep", timeoutMs: 180_000 });
  try {
    const { chromium } = await import("@playwright/test");
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
    try {
      const page = await browser.newPage({ baseURL: base });
      await page.goto("/sign-in");
      await page.getByLabel("User name", { exact: true }).fill("bench");
      await page.getByLabel("Password", { exact: true }).fill("bench password 1");
      await page.getByTestId("sign-in-submit").click();
      await page.getByTestId("current-user").waitFor();
      let bytes = 0;
      page.on("response", (r) => {
        if (r.url().includes("/api/trpc/"))
          void r.body().then(
            (b) => (bytes += b.length),
            () => undefined,
          );
      });
      const stated = '[data-testid="guest-row"] [data-testid="guest-state"] [data-state]:not([data-state="loading"])';
      for (const run of ["cold (states never read)", "warm (states cached on the server)"]) {
        bytes = 0;
        await page.goto("/hosts");
        const t = performance.now();
        await page.goto("/guests");
        await page.locator(stated).first().waitFor();
        const ms = performance.now() - t;
        const rows = await page.locator('[data-testid="guest-row"]').count();
        const total = await page.getByTestId("guest-total").getAttribute("data-total");
        console.log(
          `list first screen with states, ${run.padEnd(36)} ${ms.toFixed(0)} ms  (${total} guests, ${rows} rows in the DOM, ${(bytes / 1024).toFixed(0)} KiB of tRPC answers)`,
        );
      }
      const t = performance.now();
      await page.getByTestId("guest-list-scroll").evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
      await page
        .locator(
          `[data-testid="guest-row"][data-guest-name^="${guestName(Math.floor(GUESTS / 2)).slice(0, 4)}"] [data-state]:not([data-state="loading"])`,
        )
        .first()
        .waitFor();
      console.log(`list scrolled to the middle, rows there with states            ${(performance.now() - t).toFixed(0)} ms`);
      const heap = await page.evaluate(
        () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0,
      );
      console.log(`list page JS heap after scrolling                              ${(heap / 2 ** 20).toFixed(1)} MiB`);
    } finally {
      await browser.close();
    }
  } finally {
    server.kill("SIGTERM");
  }
}

async function main(): Promise<void> {
  const support = labHostsSupported();
  if (!support.ok) throw new Error(`bench/scale needs lab hosts: ${support.reason}`);
  const dataDir = await useTempDataDir("labdeck-bench-scale-");
  const sshDir = await mkdtemp(path.join(tmpdir(), "labdeck-bench-ssh-"));
  console.log(`load at start: ${load()}  (cores: 2 shared)`);
  const started = await startLabHosts(HOSTS, `bs${process.pid % 1000}-`);
  const labs = started.hosts;
  try {
    if (started.error !== null) throw started.error;
    const { runtime } = await import("../server/test-support/runtime");
    const { db } = await import("../server/db");
    const rt = runtime();
    const ids = await addPinnedLabHosts({ db, ssh: rt.ssh, secret: rt.secret, actor: { userId: null, username: "bench" } }, labs, "bench");
    await rt.ssh.closeAll();
    for (const h of labs) {
      const pub = readFileSync(path.join(h.dir, "ssh_host_ed25519_key.pub"), "utf8").split(" ");
      await import("node:fs/promises").then((fs) =>
        fs.writeFile(path.join(sshDir, `known-${h.name}`), `${h.address} ${pub[0]} ${pub[1]}\n`),
      );
    }
    console.log(`\n${HOSTS} hosts started and added; load ${load()}\n`);

    await probeVariant("before: all jobs at once, a channel per step", ids, { limit: null, batched: false });
    await probeVariant("now: limit 16, batched reads (default)", ids, { limit: 16, batched: true });
    await probeVariant("limit 8, batched", ids, { limit: 8, batched: true });
    await probeVariant("limit 4, batched", ids, { limit: 4, batched: true });
    await probeVariant("no limit, batched", ids, { limit: null, batched: true });
    await probeVariant("limit 16, a channel per step", ids, { limit: 16, batched: false });
    await probeVariant("now again: limit 16, batched reads", ids, { limit: 16, batched: true });
    await sshLayerVariant("Labdeck's SSH layer alone: connect + true, 16 at once", ids, ["true"], 16);
    await sshLayerVariant("Labdeck's SSH layer alone: probe's commands, 16 at once", ids, ["sh", "-c", PROBE_BY_HAND], 16);
    for (const [label, remote, parallel] of [
      ["by hand: ssh host true, one after another", ["true"], 1],
      ["by hand: ssh host true, 8 at a time", ["true"], 8],
      ["by hand: probe's commands in one ssh, one after another", [PROBE_BY_HAND], 1],
      ["by hand: probe's commands in one ssh, 8 at a time", [PROBE_BY_HAND], 8],
    ] as const) {
      const r = await byHand(labs, sshDir, [...remote], parallel);
      console.log(
        `${label.padEnd(50)}       ${(r.ms / 1000).toFixed(2)} s  failed ${r.failed}/${labs.length}  load ${load().split(" ").slice(0, 3).join(" ")}`,
      );
    }

    const hosts = await db.host.findMany({ where: { id: { in: ids } }, select: { id: true, runDir: true } });
    await insertGuests(db, hosts, GUESTS);
    const { pageGuests, ZGuestPageInput } = await import("../server/services/guest-list");
    const { listGuests } = await import("../server/services/guest-service");
    const { GuestStates } = await import("../server/services/guest-state");
    const listDeps = { db, guestStates: new GuestStates() };
    const page = await pageGuests(listDeps, ZGuestPageInput.parse({}));
    const pageSamples = await timeEach(20, () => pageGuests(listDeps, ZGuestPageInput.parse({ offset: 5000 })));
    const stateSamples = await timeEach(10, () => pageGuests(listDeps, ZGuestPageInput.parse({ sort: "state" })));
    const filterSamples = await timeEach(20, () => pageGuests(listDeps, ZGuestPageInput.parse({ name: "g099" })));
    const wholeSamples = await timeEach(3, () => listGuests(db, {}));
    const whole = await listGuests(db, {});
    console.log(`\n${GUESTS} guests on ${HOSTS} hosts; load ${load()}`);
    console.log(
      `guests.page, 100 rows at offset 5000 (server)   ${fmt(summarize(pageSamples))}  answer ${(JSON.stringify(page).length / 1024).toFixed(0)} KiB`,
    );
    console.log(`guests.page, sorted by state (server)           ${fmt(summarize(stateSamples))}`);
    console.log(`guests.page, name filter (server)               ${fmt(summarize(filterSamples))}`);
    console.log(
      `guests.list, the whole inventory (before)       ${fmt(summarize(wholeSamples))}  answer ${(JSON.stringify(whole).length / 2 ** 20).toFixed(1)} MiB`,
    );
    if (!opt["no-browser"]) await browserList(dataDir);
    console.log(`\nload at end: ${load()}`);
  } finally {
    const { runtime } = await import("../server/test-support/runtime");
    await runtime().ssh.closeAll();
    await stopAll(labs);
    await rm(sshDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
