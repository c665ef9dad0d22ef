// Benchmark: starting a guest. Labdeck's whole path (headless Chromium clicks "Run: Start"
// on the real guest page of a production server) beside the same QEMU command typed over
// an open SSH connection, interleaved round by round in one run, on a lab host with the
// tiny guest (TCG, one TAP NIC on a bridge, custom kernel + initramfs).
//
// Marks, all wall-clock ms from the click (Labdeck) or from sending the command (direct):
// QEMU running (pidfile appears; QMP answers query-status "running"), console live (the
// page's badge), banner painted (xterm's rows), banner in the serial log (the file on the
// host). Labdeck's job timeline comes from its own step timestamps in the transcript.
// Run as root after `npx next build`: `npx tsx bench/start.ts [--rounds 5]`. Prints only.
import type { ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Page } from "@playwright/test";
import { labHostsSupported, labHostTarget, startLabHost, type LabHost } from "../scripts/lab-host";
import { useTempDataDir } from "../server/test-support/temp-data";
import { armPage, now, pageMarks, watchFileFor, watchQemuUp } from "./start-probes";
import { freePort, openSshArgs, sshProcess, startLabdeckServer, summarize } from "./support";

// --baseline DIR: a checkout of an older Labdeck (with node_modules and a build) run as a
// second server on a copy of the same inventory, its starts interleaved with this tree's.
const { values: args } = parseArgs({ options: { rounds: { type: "string", default: "5" }, baseline: { type: "string" } } });
const ROUNDS = Number(args.rounds);
const BRIDGE = "ldbr0";
const GUEST = "bench1";
// The server's console hub keeps a guest's scrollback this long after its last viewer left.
const HUB_LINGER_MS = 5_500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Samples = Record<string, number[]>;
const add = (s: Samples, k: string, v: number | null | undefined) => {
  if (v !== null && v !== undefined && Number.isFinite(v)) (s[k] ??= []).push(v);
};

/** The server from `cwd` (this checkout, or the baseline's), its log on stderr. */
function startServer(dataDir: string, port: number, cwd = process.cwd()): Promise<ChildProcess> {
  return startLabdeckServer({ dataDir, port, cwd, stdout: "stderr" });
}

/** Stops whatever QEMU the last round left and clears its TAP and serial log (outside Labdeck). */
async function resetGuest(lab: LabHost, dir: string, tap: string): Promise<void> {
  await lab.execInNs(["pkill", "-KILL", "-F", path.join(dir, "qemu.pid")]);
  for (let i = 0; i < 200 && (await lab.execInNs(["test", "-e", path.join(dir, "qemu.pid")])).code === 0; i++) await sleep(20);
  rmSync(path.join(dir, "qemu.pid"), { force: true });
  await lab.execInNs(["ip", "link", "del", tap]);
  rmSync(path.join(dir, "serial.log"), { force: true });
  rmSync(path.join(dir, "serial.log.1"), { force: true });
}

const stepName = (argv: readonly string[]) =>
  (argv[0] === "ip" ? [...argv.slice(0, 3), argv.at(-2) === "master" ? "master" : (argv.at(-1) ?? "")] : argv.slice(0, 1)).join(" ");

interface PlanStep {
  argv: string[];
}

interface Server {
  label: string;
  base: string;
  db: import("../server/db").Db;
  /** When a page last left its console (its hub keeps the scrollback for a while). */
  left: number;
}

async function labdeckRound(page: Page, srv: Server, guestId: string, dir: string, banner: string, all: Samples): Promise<PlanStep[]> {
  await sleep(Math.max(0, HUB_LINGER_MS - (now() - srv.left)));
  const { base, db } = srv;
  const s: Samples = {};
  await page.goto(`${base}/guests/${guestId}`);
  await page.getByTestId("guest-console-toggle").click();
  await page.locator('[data-testid="console-state"] [data-phase="guest-not-running"]').waitFor({ timeout: 30_000 });
  await armPage(page, banner);
  const t0 = now();
  await page.getByTestId("guest-action-start").click();
  const run = page.getByTestId("guest-action-panel").getByTestId("guest-action-run");
  await run.waitFor({ timeout: 30_000 });
  add(s, "preview (Start → plan shown)", now() - t0);
  const up = watchQemuUp(dir);
  const log = watchFileFor(dir, "serial.log", banner);
  let responded = NaN;
  const runResponse = page.waitForResponse((r) => r.url().includes("guests.run")).then((r) => ((responded = now()), r));
  await run.click();
  const [q, res] = await Promise.all([up.done, runResponse]);
  await page.waitForFunction(
    () => (globalThis as unknown as { __startMarks: { banner: number | null } }).__startMarks.banner !== null,
    undefined,
    { timeout: 60_000 },
  );
  const inLog = await log;
  const m = await pageMarks(page);
  if (m.click === null) throw new Error("the click was not seen");
  if (!res.ok()) throw new Error(`guests.run answered ${res.status()}`);
  add(s, "click → run mutation answered", responded - m.click);
  add(s, "click → pidfile", q.pidfile - m.click);
  add(s, "click → QMP running", q.qmp - m.click);
  add(s, "click → console live", m.live === null ? null : m.live - m.click);
  add(s, "click → banner in serial log", inLog - m.click);
  add(s, "click → banner painted", m.banner === null ? null : m.banner - m.click);
  const status = page.getByTestId("guest-action-panel").getByTestId("job-inline").getByTestId("job-status").locator("[data-status]");
  await status.and(page.locator('[data-status="succeeded"]')).waitFor({ timeout: 60_000 });
  add(s, "click → job shown succeeded", ((await pageMarks(page)).succeeded ?? NaN) - m.click);

  const job = await db.job.findFirstOrThrow({ where: { kind: "guest-start" }, orderBy: { createdAt: "desc" } });
  const { parseTranscript } = await import("../server/jobs/job-events");
  const events = parseTranscript(job.transcript);
  const running = events.find((e) => e.type === "status" && e.status === "running");
  const final = events.findLast((e) => e.type === "status");
  add(s, "job: click → row created", job.createdAt.getTime() - m.click);
  if (running?.type === "status") add(s, "job: created → running", running.at - job.createdAt.getTime());
  let prevEnd = running?.type === "status" ? running.at : null;
  const starts = events.filter((e) => e.type === "step-start");
  for (const st of starts) {
    if (st.type !== "step-start") continue;
    const end = events.find((e) => e.type === "step-end" && e.index === st.index);
    const name = stepName(st.argv);
    if (prevEnd !== null) add(s, `job: gap before ${name}`, st.at - prevEnd);
    if (end?.type === "step-end") {
      add(s, `job: step ${name}`, end.durationMs);
      prevEnd = st.at + end.durationMs;
    }
  }
  if (final?.type === "status" && prevEnd !== null) add(s, "job: last step → status written", final.at - prevEnd);
  if (final?.type === "status" && running?.type === "status") add(s, "job: running → finished", final.at - running.at);
  const plan = JSON.parse(job.planJson) as { steps: PlanStep[] };
  await page.goto("about:blank");
  srv.left = now();
  for (const [k, v] of Object.entries(s)) for (const x of v) add(all, `${srv.label} ${k}`, x);
  return plan.steps;
}

type Runner = (argv: string[]) => Promise<unknown>;

/** The plan's commands typed by hand, one after another, over one open connection. */
async function directRound(label: string, exec: Runner, steps: PlanStep[], dir: string, banner: string, s: Samples): Promise<void> {
  const qemu = steps[steps.length - 1] as PlanStep;
  const before = steps.slice(0, -1);
  const t0 = now();
  for (const st of before) await exec(st.argv);
  const t1 = now();
  const up = watchQemuUp(dir);
  const log = watchFileFor(dir, "serial.log", banner);
  await exec(qemu.argv);
  const returned = now();
  const q = await up.done;
  const inLog = await log;
  add(s, `${label}: steps before QEMU (${before.length})`, t1 - t0);
  add(s, `${label}: qemu -daemonize returned`, returned - t1);
  add(s, `${label}: qemu sent → pidfile`, q.pidfile - t1);
  add(s, `${label}: qemu sent → QMP running`, q.qmp - t1);
  add(s, `${label}: qemu sent → banner in serial log`, inLog - t1);
  add(s, `${label}: all steps → QMP running`, q.qmp - t0);
}

async function main(): Promise<void> {
  const support = labHostsSupported();
  if (!support.ok) throw new Error(`lab hosts unsupported: ${support.reason}`);
  const dataDir = await useTempDataDir("labdeck-bench-start-");
  const { db } = await import("../server/db");
  const { runtime, runtimeDeps } = await import("../server/test-support/runtime");
  const { newSessionToken, sessionIdFromToken, SESSION_COOKIE } = await import("../server/auth/session-token");
  const { addPinnedLabHost } = await import("../server/test-support/inventory-host");
  const { installTinyGuest } = await import("../scripts/guest-image/install");
  const { createGuest } = await import("../server/services/guest-service");
  const { quoteArgv } = await import("../server/ssh/quote");
  const { BANNER } = await import("../scripts/guest-image/tiny-guest");
  const rt = runtime();
  const actor = { userId: null, username: "bench" };
  const deps = runtimeDeps(rt, actor);

  const lab = await startLabHost();
  let server: ChildProcess | null = null;
  let baseline: ChildProcess | null = null;
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  const stop = () => void lab.stop().finally(() => process.exit(130));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const tmp = await mkdtemp(path.join(os.tmpdir(), "labdeck-bench-ssh-"));
  try {
    const tiny = await installTinyGuest(lab.runDir);
    await lab.execInNs(["ip", "link", "add", BRIDGE, "type", "bridge"]);
    await lab.execInNs(["ip", "link", "set", BRIDGE, "up"]);
    const hostId = await addPinnedLabHost(deps, lab, "bench-host");
    const guest = await createGuest(deps, {
      hostId,
      definition: {
        name: GUEST,
        accel: "tcg",
        machine: "pc",
        memoryMiB: 256,
        disks: [],
        boot: { kind: "kernel", kernel: tiny.kernel, initrd: tiny.initrd, append: "console=ttyS0 quiet panic=-1" },
        nics: [{ model: "virtio", network: { kind: "tap", bridge: BRIDGE } }],
      },
    });
    const { guestTapNames } = await import("../server/hypervisors/qemu/guest-plans");
    const tap = guestTapNames({ name: GUEST, nics: guest.definition.nics })[0] ?? "";
    const dir = path.join(lab.runDir, "guests", GUEST);
    mkdirSync(dir, { recursive: true }); // so the watch can be armed before the first start's mkdir -p
    const user = await db.user.create({ data: { username: "bench", passwordHash: "x", role: "operator" } });
    const token = newSessionToken();
    await db.session.create({ data: { id: sessionIdFromToken(token), userId: user.id, expiresAt: new Date(Date.now() + 3600_000) } });

    const port = await freePort();
    // The server applies migrations at start, which needs the database to itself.
    await db.$disconnect();
    const servers: Server[] = [];
    if (args.baseline) {
      // The same inventory (and secret key) in a data directory of its own: no two servers share a database.
      const baseData = await mkdtemp(path.join(os.tmpdir(), "labdeck-bench-start-base-"));
      await db.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
      await db.$disconnect();
      for (const f of ["labdeck.db", "secret.key"]) copyFileSync(path.join(dataDir, f), path.join(baseData, f));
      const basePort = await freePort();
      baseline = await startServer(baseData, basePort, path.resolve(args.baseline));
      const { createDb } = await import("../server/db");
      servers.push({
        label: "baseline",
        base: `http://127.0.0.1:${basePort}`,
        db: createDb(`file:${path.join(baseData, "labdeck.db")}`),
        left: 0,
      });
    }
    server = await startServer(dataDir, port);
    const base = `http://127.0.0.1:${port}`;
    servers.unshift({ label: "labdeck", base, db, left: 0 });
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await ctx.addCookies([{ name: SESSION_COOKIE, value: token, url: base }]);
    await ctx.addInitScript({ content: "globalThis.__name = (f) => f;" });
    const page = await ctx.newPage();

    const target = labHostTarget(lab);
    const pool: Runner = (argv) =>
      rt.ssh.exec(target, argv, { timeoutMs: 30_000 }).then((r) => {
        if (r.exitStatus !== 0) throw new Error(`${argv[0]} exited ${r.exitStatus}: ${r.stderr}`);
      });
    const sshArgs = await openSshArgs(lab, tmp);
    const openssh: Runner = (argv) => sshProcess([...sshArgs, "--", quoteArgv(argv)]);
    await pool(["true"]);
    await openssh(["true"]);

    const s: Samples = {};
    // A first start outside the figures: Next.js compiles nothing in production, but the
    // server's first tRPC calls and the browser's first page load are cold.
    let steps: PlanStep[] = [];
    for (const srv of servers) {
      steps = await labdeckRound(page, srv, guest.id, dir, BANNER, {});
      await resetGuest(lab, dir, tap);
    }
    for (let round = 0; round < ROUNDS; round++) {
      await directRound("ssh2 SshPool", pool, steps, dir, BANNER, s);
      await resetGuest(lab, dir, tap);
      await directRound("OpenSSH ControlMaster", openssh, steps, dir, BANNER, s);
      await resetGuest(lab, dir, tap);
      // Alternate which server goes first, so neither always follows the direct runs.
      for (const srv of round % 2 === 0 ? servers : [...servers].reverse()) {
        steps = await labdeckRound(page, srv, guest.id, dir, BANNER, s);
        await resetGuest(lab, dir, tap);
      }
      process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
    }
    console.log(
      `\nstart of the tiny guest (TCG, 1 TAP NIC), ${ROUNDS} rounds, load average ${(await import("node:fs")).readFileSync("/proc/loadavg", "utf8").trim()}`,
    );
    console.log(`plan: ${steps.map((st) => stepName(st.argv)).join(" | ")}`);
    for (const [k, v] of Object.entries(s)) {
      const sum = summarize(v);
      console.log(
        `  ${k.padEnd(48)} p50 ${sum.p50.toFixed(1).padStart(7)} ms  min ${Math.min(...v)
          .toFixed(1)
          .padStart(7)}  max ${Math.max(...v)
          .toFixed(1)
          .padStart(7)}  (n=${v.length})`,
      );
    }
  } finally {
    await browser.close();
    server?.kill("SIGTERM");
    baseline?.kill("SIGTERM");
    await rt.ssh.closeAll();
    await lab.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
