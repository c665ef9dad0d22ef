// Benchmark: a console keystroke as a person types it (≥ 100 ms apart, so the TCG guest goes
// idle between keys as it does for a typist), from the key reaching the real console page to
// the echo painted, split into its parts, beside the same keys sent by a Node WebSocket client
// of the same server, a direct ssh2 streamlocal channel and `socat` on the same serial socket,
// interleaved in rounds in one run. Labdeck is the production build run by server/main.ts; the
// guest is the tiny QEMU guest (TCG), created and started through the pages.
// Run as root after `npx next build`: `npx tsx bench/console.ts [--rounds 4] [--n 30] [--enter 6] [--gap 150] [--bulk-kb 200]
// [--dump samples.json] [--chromium-args '...']`.
// Prints only; figures go to docs/performance.md with the load average.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { chromium, type Page } from "@playwright/test";
import { labHostsSupported, labHostTarget, startLabHost } from "../scripts/lab-host";
import { SshPool } from "../server/ssh/pool";
import { benchContext, createGuestThroughPages, openConsolePage, startLabdeck } from "./console-labdeck";
import { consoleProbeScript, type PageProbe, type PageSample, type ProbeOptions } from "./console-probe";
import {
  bulkCommand,
  bulkSample,
  ECHO_KEYS,
  echoSamples,
  enterSample,
  labdeckWsPort,
  settle,
  sleep,
  socatPort,
  sshPort,
  type Port,
} from "./console-ports";
import { summarize } from "./support";

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "4" },
    n: { type: "string", default: "30" },
    enter: { type: "string", default: "6" },
    gap: { type: "string", default: "150" },
    dump: { type: "string" },
    // Bulk output per path and round: the guest prints this many KB on its serial line (0: off).
    "bulk-kb": { type: "string", default: "200" },
    // The second page: "worker" (its WebSocket in a Worker) or "contain" (CSS containment on the terminal).
    experiment: { type: "string", default: "worker" },
    // e.g. --chromium-args=--disable-features=DeferRendererTasksAfterInput, to test a cause.
    "chromium-args": { type: "string", default: "" },
  },
});
const ROUNDS = Number(args.rounds);
const N = Number(args.n);
const ENTERS = Number(args.enter);
const GAP_MS = Number(args.gap);
const BULK_BYTES = Math.round(Number(args["bulk-kb"]) * 1000);
if (GAP_MS < 100) throw new Error("--gap below 100 ms is not a person typing (the guest never idles)");

const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
let word = 100;
const nextWord = () => `L${word++}`;

type Bench = Window & { __bench: PageProbe };

const EXPERIMENTS: Record<string, { name: string; probe: ProbeOptions }> = {
  worker: { name: "the same page, its WebSocket in a Worker", probe: { workerSocket: true } },
  contain: {
    name: "the same page, CSS containment (contain: strict) on the terminal",
    probe: { workerSocket: false, css: "[data-testid=console-terminal] { contain: strict; }" },
  },
};

async function pageKey(page: Page, press: () => Promise<void>, text: string | null, timeoutMs = 10_000): Promise<PageSample> {
  await page.evaluate((t) => (window as unknown as Bench).__bench.arm(t), text);
  // A typist's keys fall anywhere in the 16.7 ms frame; CDP input otherwise lands at one phase.
  await sleep(Math.random() * 16.7);
  await press();
  return page.evaluate((ms) => (window as unknown as Bench).__bench.result(ms), timeoutMs);
}

/** On the console page: N echo samples (real key events), then ENTERS commands typed and run. */
async function pageBlock(page: Page): Promise<{ echo: PageSample[]; enter: PageSample[] }> {
  // Enter until the guest answers (it may still be booting), then a quiet spell.
  for (let i = 0; ; i++) {
    const ok = await pageKey(page, () => page.keyboard.press("Enter"), null, 1000).then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (i === 30) throw new Error("the guest did not answer Enter on the console page within 30 s");
  }
  await sleep(500);
  const echo: PageSample[] = [];
  for (let i = 0; i < N; i++) {
    const key = ECHO_KEYS[i % 2] === "a" ? "a" : "Backspace";
    echo.push(await pageKey(page, () => page.keyboard.press(key), null));
    await sleep(GAP_MS);
  }
  const enter: PageSample[] = [];
  for (let i = 0; i < ENTERS; i++) {
    const w = nextWord();
    for (const ch of `echo ${w}`) {
      await pageKey(page, () => page.keyboard.type(ch), null);
      await sleep(GAP_MS);
    }
    enter.push(await pageKey(page, () => page.keyboard.press("Enter"), w));
    await sleep(GAP_MS);
  }
  return { echo, enter };
}

/** On the console page: the bulk command typed, then Enter → the marker line painted. */
async function pageBulk(page: Page): Promise<PageSample | null> {
  if (BULK_BYTES === 0) return null;
  const { cmd, mark } = bulkCommand(BULK_BYTES);
  await page.keyboard.type(cmd);
  await sleep(1000);
  const s = await pageKey(page, () => page.keyboard.press("Enter"), mark, 300_000);
  await sleep(300);
  return s;
}

async function portBlock(open: () => Promise<Port>): Promise<{ echo: number[]; enter: number[]; bulk: number[] }> {
  const port = await open();
  try {
    await settle(port);
    const echo = await echoSamples(port, N, GAP_MS);
    const enter: number[] = [];
    for (let i = 0; i < ENTERS; i++) enter.push(await enterSample(port, nextWord(), GAP_MS));
    const bulk = BULK_BYTES > 0 ? [await bulkSample(port, BULK_BYTES)] : [];
    return { echo, enter, bulk };
  } finally {
    await port.close();
  }
}

const PARTS: [string, (s: PageSample) => number | null][] = [
  ["key → ws.send", (s) => (s.send === null ? null : s.send - s.key)],
  ["ws.send → frame", (s) => (s.send === null || s.frame === null ? null : s.frame - s.send)],
  ["  of which: worker → main", (s) => (s.worker === null || s.frame === null ? null : s.frame - s.worker)],
  ["frame → in buffer", (s) => (s.frame === null || s.parsed === null ? null : s.parsed - s.frame)],
  ["in buffer → rendered", (s) => (s.parsed === null || s.rendered === null ? null : s.rendered - s.parsed)],
  ["  of which: vsync → rAF runs", (s) => (s.frameStart === null || s.renderStart === null ? null : s.renderStart - s.frameStart)],
  ["  of which: xterm renders", (s) => (s.renderStart === null || s.rendered === null ? null : s.rendered - s.renderStart)],
  ["rendered → painted", (s) => (s.rendered === null || s.painted === null ? null : s.painted - s.rendered)],
  ["key → in buffer", (s) => (s.parsed === null ? null : s.parsed - s.key)],
  ["key → rendered", (s) => (s.rendered === null ? null : s.rendered - s.key)],
  ["key → painted", (s) => (s.painted === null ? null : s.painted - s.key)],
];

const row = (label: string, xs: number[]) => {
  const s = summarize(xs);
  return `  ${label.padEnd(30)} p50 ${s.p50.toFixed(2).padStart(6)} ms  p90 ${pct(xs, 0.9).toFixed(2).padStart(6)} ms  mean ${s.mean.toFixed(2).padStart(6)} ms  (${xs.length})`;
};
function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}
const values = (ss: PageSample[], f: (s: PageSample) => number | null) => ss.map(f).filter((x): x is number => x !== null);

async function main(): Promise<void> {
  const support = labHostsSupported();
  if (!support.ok) throw new Error(`lab hosts unsupported: ${support.reason}`);
  const host = await startLabHost();
  const pool = new SshPool();
  const labdeck = await startLabdeck().catch(async (err: unknown) => {
    await host.stop();
    throw err;
  });
  const stop = () => void Promise.allSettled([labdeck.stop(), host.stop()]).finally(() => process.exit(130));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      ...(args["chromium-args"] ?? "").split(" ").filter(Boolean),
    ],
  });
  try {
    const ctx = await benchContext(browser, labdeck.base, consoleProbeScript, { workerSocket: false });
    const shipped = await ctx.newPage();
    const guest = await createGuestThroughPages(shipped, labdeck, host);
    const state = await ctx.storageState();
    const experiment = EXPERIMENTS[args.experiment ?? "worker"];
    if (!experiment) throw new Error(`--experiment: one of ${Object.keys(EXPERIMENTS).join(", ")}`);
    const second = await (await benchContext(browser, labdeck.base, consoleProbeScript, experiment.probe, state)).newPage();
    const cookie = state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const target = labHostTarget(host);
    const loadBefore = loadavg();
    const pages = [
      {
        name: "console page as shipped (WebSocket on the main thread)",
        page: shipped,
        echo: [] as PageSample[],
        enter: [] as PageSample[],
        bulk: [] as PageSample[],
      },
      {
        name: `experiment: ${experiment.name}`,
        page: second,
        echo: [] as PageSample[],
        enter: [] as PageSample[],
        bulk: [] as PageSample[],
      },
    ];
    const blank = () => ({ echo: [] as number[], enter: [] as number[], bulk: [] as number[] });
    const paths = { ws: blank(), ssh: blank(), socat: blank() };
    let renderer = "";
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of pages) {
        await openConsolePage(v.page, guest.id);
        renderer = await v.page.evaluate(() => (window as unknown as Bench).__bench.renderer());
        const r = await pageBlock(v.page);
        v.echo.push(...r.echo);
        v.enter.push(...r.enter);
        const b = await pageBulk(v.page);
        if (b) v.bulk.push(b);
        await v.page.goto("/guests");
      }
      for (const [name, open] of [
        ["ws", () => labdeckWsPort(labdeck.base, guest.id, cookie)],
        ["ssh", () => sshPort(pool, target, guest.serialSocket)],
        ["socat", () => socatPort(guest.serialSocket)],
      ] as const) {
        const r = await portBlock(open);
        paths[name].echo.push(...r.echo);
        paths[name].enter.push(...r.enter);
        paths[name].bulk.push(...r.bulk);
      }
      console.log(`round ${round + 1}/${ROUNDS} done (load ${loadavg()})`);
    }
    if (args.dump)
      writeFileSync(
        args.dump,
        JSON.stringify({ pages: pages.map(({ name, echo, enter, bulk }) => ({ name, echo, enter, bulk })), paths }, null, 1),
      );
    console.log(
      `\nload average before ${loadBefore}, after ${loadavg()}; keys ${GAP_MS} ms apart; renderer ${renderer}; headless Chromium ${browser.version()}`,
    );
    for (const [what, key] of [
      ["first key → echo", "echo"],
      ["Enter → output line", "enter"],
    ] as const) {
      for (const v of pages) {
        console.log(`\n${what}: ${v.name}`);
        for (const [label, f] of PARTS) console.log(row(label, values(v[key], f)));
      }
      console.log(`\n${what}: the same keys without the browser`);
      console.log(row("Node ws client → Labdeck", paths.ws[key]));
      console.log(row("ssh2 streamlocal, direct", paths.ssh[key]));
      console.log(row("socat on the serial socket", paths.socat[key]));
      const m = (xs: number[]) => summarize(xs).p50;
      console.log(
        `  parts by p50: guest+socket ${m(paths.socat[key]).toFixed(2)}, SSH ${(m(paths.ssh[key]) - m(paths.socat[key])).toFixed(2)}, ` +
          `Labdeck server ${(m(paths.ws[key]) - m(paths.ssh[key])).toFixed(2)} ms`,
      );
    }
    if (BULK_BYTES > 0) {
      console.log(`\nbulk output: the guest prints ${BULK_BYTES / 1000} KB on ttyS0, Enter → marker line (median of ${ROUNDS})`);
      const mbps = (ms: number) => `${(BULK_BYTES / 1e6 / (ms / 1000)).toFixed(3)} MB/s (${(ms / 1000).toFixed(2)} s)`;
      for (const v of pages) {
        console.log(
          `  ${v.name}: in buffer ${mbps(summarize(values(v.bulk, (s) => (s.parsed === null ? null : s.parsed - s.key))).p50)}, painted ${mbps(summarize(values(v.bulk, (s) => (s.painted === null ? null : s.painted - s.key))).p50)}`,
        );
      }
      for (const [name, label] of [
        ["ws", "Node ws client → Labdeck"],
        ["ssh", "ssh2 streamlocal, direct"],
        ["socat", "socat on the serial socket"],
      ] as const) {
        console.log(`  ${label}: ${mbps(summarize(paths[name].bulk).p50)}`);
      }
    }
  } finally {
    await browser.close();
    await pool.closeAll();
    await labdeck.stop();
    await host.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
