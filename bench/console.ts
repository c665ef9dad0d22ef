// Benchmark: a console keystroke's round trip and bulk console output, through the whole
// Labdeck path (headless Chromium → WebSocket → gateway/hub → SshPool → serial socket) beside
// a direct SSH streamlocal channel to the same socket, interleaved in blocks in one run.
// The "guest" is the real tiny QEMU guest (TCG) of scripts/guest-image, its serial line a
// busybox shell; a socat `cat` socket on the same host gives the floor without the guest.
// Run as root: `npx tsx bench/console.ts [--rounds 5] [--n 100] [--mb 5]`. Prints only.
import type http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { parseArgs } from "node:util";
import { chromium, type Page } from "@playwright/test";
import { labHostsSupported, labHostTarget, startLabHost } from "../scripts/lab-host";
import { useTempDataDir } from "../server/test-support/temp-data";

const { values: args } = parseArgs({ options: { rounds: { type: "string", default: "5" }, n: { type: "string", default: "100" }, mb: { type: "string", default: "5" } } });
const ROUNDS = Number(args.rounds);
const N = Number(args.n);
const BULK_BYTES = Math.round(Number(args.mb) * 1_000_000);
const WARMUP = 6;
// The same pause between keystrokes on every path: a TCG guest's echo time depends on it
// (with 3 ms in Node and Chromium's 4 ms timer clamp, the paths were not comparable).
const GAP_MS = 10;
// Keystrokes alternate a letter and DEL so the guest's line never grows; each echoes at once.
const KEYS = ["a", "\x7f"];
// ^U first: clear whatever the echo loop left on the guest's line.
const BULK_CMD = `\x15yes 0123456789012345678901234567890123456789012345678 | head -c ${BULK_BYTES}; echo END-$((40+2))\r`;
const BULK_MARK = "END-42";

interface Port {
  send(s: string): void;
  onData(cb: (c: Buffer) => void): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function pct(samples: number[], q: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

async function echoSamples(port: Port, n: number): Promise<number[]> {
  let waiter: (() => void) | null = null;
  port.onData(() => {
    const w = waiter;
    waiter = null;
    w?.();
  });
  const out: number[] = [];
  for (let i = 0; i < n + WARMUP; i++) {
    const got = within(10_000, new Promise<void>((r) => (waiter = r)), "an echo");
    const t = performance.now();
    port.send(KEYS[i % 2] ?? "a");
    await got;
    const dt = performance.now() - t;
    if (i >= WARMUP) out.push(dt);
    await sleep(GAP_MS); // let the rest of a multi-byte echo arrive before the next key
  }
  return out;
}

async function bulk(port: Port): Promise<{ bytes: number; ms: number }> {
  let bytes = 0;
  let tail = "";
  let done: (() => void) | null = null;
  let counting = false;
  port.onData((c) => {
    if (!counting) return;
    bytes += c.length;
    tail = (tail + c.toString("latin1")).slice(-64);
    if (tail.includes(BULK_MARK)) done?.();
  });
  await sleep(200);
  const finished = within(120_000, new Promise<void>((r) => (done = r)), "bulk output");
  counting = true;
  const t = performance.now();
  port.send(BULK_CMD);
  await finished;
  return { bytes, ms: performance.now() - t };
}

function streamPort(s: Duplex): Port {
  return {
    send: (k) => s.write(k),
    onData: (cb) => {
      s.removeAllListeners("data");
      s.on("data", cb);
    },
    close: async () => void s.destroy(),
  };
}

/** The page-side half: opens the console WebSocket and measures in the browser's own clock. */
async function inBrowser(page: Page, url: string, mode: "echo" | "bulk" | "count", n: number): Promise<number[] | { bytes: number; ms: number }> {
  return within(180_000, page.evaluate(
    async ({ url, mode, n, warmup, keys, cmd, mark, gap }) => {
      const opened = performance.now();
      const ws = new WebSocket(url);
      ws.binaryType = "arraybuffer";
      if (mode === "count") {
        let bytes = 0;
        await new Promise<void>((r) => {
          ws.onmessage = (e) => {
            if (typeof e.data !== "string") bytes += (e.data as ArrayBuffer).byteLength;
            if (bytes >= n) r();
          };
        });
        ws.close();
        return { bytes, ms: performance.now() - opened };
      }
      let onBin: ((b: ArrayBuffer) => void) | null = null;
      await new Promise<void>((resolve, reject) => {
        ws.onerror = () => reject(new Error("websocket error"));
        ws.onmessage = (e) => {
          if (typeof e.data === "string") {
            const m = JSON.parse(e.data) as { type: string; state?: string };
            if (m.type === "state" && m.state === "live") resolve();
          } else onBin?.(e.data as ArrayBuffer);
        };
      });
      await new Promise((r) => setTimeout(r, 200));
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
      try {
        if (mode === "echo") {
          const out: number[] = [];
          for (let i = 0; i < n + warmup; i++) {
            const got = new Promise<void>((r) => (onBin = () => r()));
            const t = performance.now();
            ws.send(keys[i % 2] ?? "a");
            await got;
            onBin = null;
            if (i >= warmup) out.push(performance.now() - t);
            await sleep(gap);
          }
          return out;
        }
        let bytes = 0;
        let tail = "";
        const dec = new TextDecoder("latin1");
        const t = performance.now();
        await new Promise<void>((r) => {
          onBin = (b) => {
            bytes += b.byteLength;
            tail = (tail + dec.decode(b)).slice(-64);
            if (tail.includes(mark)) r();
          };
          ws.send(cmd);
        });
        return { bytes, ms: performance.now() - t };
      } finally {
        ws.close();
      }
    },
    { url, mode, n, warmup: WARMUP, keys: KEYS, cmd: BULK_CMD, mark: BULK_MARK, gap: GAP_MS },
  ), "the browser page");
}

async function main(): Promise<void> {
  const support = labHostsSupported();
  if (!support.ok) throw new Error(`lab hosts unsupported: ${support.reason}`);
  await useTempDataDir("labdeck-bench-");
  const { db } = await import("../server/db");
  const { newSessionToken, sessionIdFromToken, SESSION_COOKIE } = await import("../server/auth/session-token");
  const { SshPool } = await import("../server/ssh/pool");
  const { ConsoleTicketStore } = await import("../server/console/console-tickets");
  const { createConsoleUpgradeHandler } = await import("../server/console/console-gateway");
  const { createHttpServer } = await import("../server/http/http-server");
  const { openConsole, startTinyGuest, waitForSocket } = await import("../server/console/console-test-support");

  const user = await db.user.create({ data: { username: "bench", passwordHash: "x", role: "operator" } });
  const token = newSessionToken();
  await db.session.create({ data: { id: sessionIdFromToken(token), userId: user.id, expiresAt: new Date(Date.now() + 3600_000) } });

  const host = await startLabHost();
  const pool = new SshPool();
  let server: http.Server | null = null;
  const stop = () => void host.stop().finally(() => process.exit(130));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const tiny = await startTinyGuest(host, `${host.runDir}/guests/bench`);
    console.log(`guest ${tiny.version} banner after ${tiny.bootSeconds.toFixed(1)} s (TCG)`);
    const sockets = { qemu: tiny.serialSocket, cat: `${host.runDir}/cat.sock`, flood: `${host.runDir}/flood.sock` };
    // Console output comes from a serial log (server/console/console-hub.ts): socat -R logs what the stand-ins send back.
    const logs = { qemu: tiny.serialLog, cat: `${host.runDir}/cat.log`, flood: `${host.runDir}/flood.log` };
    host.spawnInNs(["socat", "-R", logs.cat, `UNIX-LISTEN:${sockets.cat},fork`, "EXEC:cat"]);
    // Each connection gets BULK_BYTES at once: the pipeline's own capacity, no UART in the way.
    host.spawnInNs(["socat", "-R", logs.flood, `UNIX-LISTEN:${sockets.flood},fork`, `SYSTEM:yes 0123456789012345678901234567890123456789012345678 | head -c ${BULK_BYTES}`]);
    await waitForSocket(host, sockets.cat);
    await waitForSocket(host, sockets.flood);
    await sleep(1000);

    const target = labHostTarget(host);
    const tickets = new ConsoleTicketStore();
    const handler = createConsoleUpgradeHandler({
      db, ssh: pool, allowedOrigins: [], tickets,
      resolve: async (id) => ({ target, socketPath: sockets[id as keyof typeof sockets], serialLog: logs[id as keyof typeof logs] }),
      hub: { lingerMs: 0 },
    });
    server = createHttpServer({
      pages: (_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>bench</title>"),
      upgrade: (req, socket, head) => void (handler(req, socket, head) || socket.destroy()),
      allowedOrigins: [],
    });
    await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const ctx = await browser.newContext();
    await ctx.addCookies([{ name: SESSION_COOKIE, value: token, url: base }]);
    // tsx (esbuild keepNames) wraps functions in __name(); the page must have one too.
    await ctx.addInitScript({ content: "globalThis.__name = (f) => f;" });
    const page = await ctx.newPage();
    await page.goto(base);
    const wsUrl = (g: string) => `${base.replace("http", "ws")}/api/console/${g}?ticket=${tickets.issue({ userId: user.id, guestId: g, canWrite: true }).ticket}`;

    const direct = async (g: "qemu" | "cat") => streamPort(await pool.openStreamLocal(target, sockets[g]));
    const nodeWs = async (g: "qemu" | "cat"): Promise<Port> => {
      const c = await openConsole(base, g, { cookie: `${SESSION_COOKIE}=${token}`, ticket: tickets.issue({ userId: user.id, guestId: g, canWrite: true }).ticket });
      await c.waitForState("live");
      await sleep(200);
      return {
        send: (k) => c.ws.send(k),
        onData: (cb) => {
          c.ws.removeAllListeners("message");
          c.ws.on("message", (d: Buffer, bin: boolean) => bin && cb(d));
        },
        close: () => c.close(),
      };
    };
    const withPort = async <T>(open: Promise<Port>, fn: (p: Port) => Promise<T>): Promise<T> => {
      const p = await open;
      try {
        return await fn(p);
      } finally {
        await p.close();
        await sleep(100); // QEMU's chardev takes one client at a time: let the last one go
      }
    };

    for (const g of ["cat", "qemu"] as const) {
      const r: Record<"browser" | "ws" | "direct", number[]> = { browser: [], ws: [], direct: [] };
      for (let round = 0; round < ROUNDS; round++) {
        r.direct.push(...(await withPort(direct(g), (p) => echoSamples(p, N))));
        r.ws.push(...(await withPort(nodeWs(g), (p) => echoSamples(p, N))));
        r.browser.push(...((await inBrowser(page, wsUrl(g), "echo", N)) as number[]));
        await sleep(100);
      }
      const d50 = pct(r.direct, 0.5);
      const d99 = pct(r.direct, 0.99);
      console.log(`\nkeystroke echo via ${g === "qemu" ? "tiny QEMU guest (busybox sh on ttyS0)" : "socat EXEC:cat"}, ${r.direct.length} samples each`);
      for (const k of ["direct", "ws", "browser"] as const) {
        const p50 = pct(r[k], 0.5);
        const p99 = pct(r[k], 0.99);
        console.log(`  ${k.padEnd(8)} p50 ${p50.toFixed(2)} ms  p99 ${p99.toFixed(2)} ms  ratio/direct ${(p50 / d50).toFixed(2)}× / ${(p99 / d99).toFixed(2)}×`);
      }
    }

    console.log(`\nbulk output: guest runs \`yes … | head -c ${BULK_BYTES}\` on its serial console`);
    for (const [name, run] of [
      ["direct", () => withPort(direct("qemu"), bulk)],
      ["ws", () => withPort(nodeWs("qemu"), bulk)],
      ["browser", async () => (await inBrowser(page, wsUrl("qemu"), "bulk", 0)) as { bytes: number; ms: number }],
    ] as const) {
      const res = await run();
      console.log(`  ${name.padEnd(8)} ${(res.bytes / 1e6).toFixed(2)} MB in ${(res.ms / 1000).toFixed(2)} s = ${(res.bytes / 1e6 / (res.ms / 1000)).toFixed(2)} MB/s`);
      await sleep(300);
    }

    console.log(`\nbulk output: socat writes ${BULK_BYTES} bytes at once (no guest UART), timed from opening the connection`);
    const countTo = async (open: () => Promise<Port>) => {
      const t = performance.now();
      const p = await open();
      let bytes = 0;
      await within(120_000, new Promise<void>((r) => p.onData((c) => (bytes += c.length) >= BULK_BYTES && r())), "flood");
      const ms = performance.now() - t;
      await p.close();
      return { bytes, ms };
    };
    for (const [name, run] of [
      ["direct", () => countTo(async () => streamPort(await pool.openStreamLocal(target, sockets.flood)))],
      ["ws", () => countTo(async () => {
        const c = await openConsole(base, "flood", { cookie: `${SESSION_COOKIE}=${token}`, ticket: tickets.issue({ userId: user.id, guestId: "flood", canWrite: true }).ticket });
        return { send: () => undefined, onData: (cb) => c.ws.on("message", (d: Buffer, bin: boolean) => bin && cb(d)), close: () => c.close() };
      })],
      ["browser", async () => (await inBrowser(page, wsUrl("flood"), "count", BULK_BYTES)) as { bytes: number; ms: number }],
    ] as const) {
      const res = await run();
      console.log(`  ${name.padEnd(8)} ${(res.bytes / 1e6).toFixed(2)} MB in ${(res.ms / 1000).toFixed(2)} s = ${(res.bytes / 1e6 / (res.ms / 1000)).toFixed(1)} MB/s`);
      await sleep(300);
    }
    handler.close();
  } finally {
    await browser.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await pool.closeAll();
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
