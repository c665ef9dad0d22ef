// The paths bench/console.ts compares the page with, each a byte pipe to the guest's serial
// line: a Node WebSocket client of the same Labdeck server (server + SSH + guest, no
// browser), a direct ssh2 streamlocal channel from this process to the same serial socket
// (SSH + guest), and `socat` on the socket itself (the guest alone, plus two pipe hops).
// Keys are paced as a person types: every sample waits GAP ms after the last echo.
import { spawn } from "node:child_process";
import type { Duplex } from "node:stream";
import WebSocket from "ws";
import type { SshPool } from "../server/ssh/pool";
import type { SshTarget } from "../server/ssh/types";

export interface Port {
  send(s: string): void;
  onData(cb: (c: Buffer, t: number) => void): void;
  close(): Promise<void>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function streamPort(s: Duplex, close: () => Promise<void>): Port {
  return {
    send: (k) => void s.write(k),
    onData: (cb) => {
      s.removeAllListeners("data");
      s.on("data", (c: Buffer) => cb(c, performance.now()));
    },
    close,
  };
}

/**
 * Answers a cursor-position query (ESC [ 6 n) as a terminal does. busybox's line editor asks
 * after every prompt; unanswered, its next Enter waits ~25 ms for the reply (measured: Enter →
 * output 6 ms answered, 30 ms not), so a path that does not answer is not comparable with xterm.
 */
export function likeATerminal(port: Port): Port {
  let tail = "";
  return {
    ...port,
    onData: (cb) =>
      port.onData((c, t) => {
        tail = (tail + c.toString("latin1")).slice(-8);
        if (tail.includes("\x1b[6n")) {
          tail = "";
          port.send("\x1b[1;1R");
        }
        cb(c, t);
      }),
  };
}

export async function sshPort(pool: SshPool, target: SshTarget, socket: string): Promise<Port> {
  const s = await pool.openStreamLocal(target, socket);
  return likeATerminal(streamPort(s, async () => void s.destroy()));
}

export async function socatPort(socket: string): Promise<Port> {
  const child = spawn("socat", ["STDIO", `UNIX-CONNECT:${socket}`], { stdio: ["pipe", "pipe", "ignore"] });
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  return likeATerminal({
    send: (k) => void child.stdin.write(k),
    onData: (cb) => {
      child.stdout.removeAllListeners("data");
      child.stdout.on("data", (c: Buffer) => cb(c, performance.now()));
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  });
}

/**
 * A WebSocket to the console endpoint as the page opens it: a ticket from tRPC, the session
 * cookie, the page's Origin. Binary frames are terminal bytes; text frames (control) are ignored.
 */
export async function labdeckWsPort(base: string, guestId: string, cookie: string): Promise<Port> {
  const res = await fetch(`${base}/api/trpc/guests.consoleTicket`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, origin: base },
    body: JSON.stringify({ json: { id: guestId } }),
  });
  if (!res.ok) throw new Error(`console ticket: HTTP ${res.status}`);
  const { path } = ((await res.json()) as { result: { data: { json: { path: string } } } }).result.data.json;
  const ws = new WebSocket(`${base.replace("http", "ws")}${path}`, { headers: { cookie, origin: base } });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let cb: ((c: Buffer, t: number) => void) | null = null;
  ws.on("message", (d: Buffer, binary: boolean) => {
    if (binary) cb?.(d, performance.now());
  });
  return likeATerminal({
    send: (k) => ws.send(Buffer.from(k, "latin1")),
    onData: (f) => (cb = f),
    close: async () => {
      if (ws.readyState === ws.CLOSED) return;
      const closed = new Promise((r) => ws.once("close", r));
      ws.close();
      await closed;
    },
  });
}

/**
 * Enter until the guest answers (a new console may still be connecting, or QEMU's chardev may
 * still serve the previous client), then a quiet spell so no late bytes count as an echo.
 */
export async function settle(port: Port): Promise<void> {
  let last = 0;
  port.onData((_c, t) => (last = t));
  for (let i = 0; last === 0; i++) {
    if (i === 30) throw new Error("the guest did not answer Enter within 30 s");
    port.send("\r");
    await sleep(1000);
  }
  while (performance.now() - last < 400) await sleep(100);
}

/** Keys alternate a letter and DEL, so the guest's line never grows; each echoes at once. */
export const ECHO_KEYS = ["a", "\x7f"] as const;

/** ms from send to the first byte back, for n keys `gap` ms apart. */
export async function echoSamples(port: Port, n: number, gap: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await keyToEcho(port, ECHO_KEYS[i % 2] ?? "a"));
  return out;

  async function keyToEcho(p: Port, key: string): Promise<number> {
    let first = 0;
    const got = new Promise<void>((r) =>
      p.onData((_c, t) => {
        if (first === 0) first = t;
        r();
      }),
    );
    const t0 = performance.now();
    p.send(key);
    await within(10_000, got, "an echo");
    await sleep(gap);
    return first - t0;
  }
}

/** Types `echo <word>` a key at a time, then Enter: ms from Enter to the output line's last byte. */
export async function enterSample(port: Port, word: string, gap: number): Promise<number> {
  for (const k of `echo ${word}`) {
    const echoed = new Promise<void>((r) => port.onData(() => r()));
    port.send(k);
    await within(10_000, echoed, "an echo");
    await sleep(gap);
  }
  let text = "";
  let seen = 0;
  const got = new Promise<void>((r) =>
    port.onData((c, t) => {
      text += c.toString("latin1");
      if (seen === 0 && text.includes(`\n${word}\r`)) {
        seen = t;
        r();
      }
    }),
  );
  const t0 = performance.now();
  port.send("\r");
  await within(10_000, got, "the output line");
  await sleep(gap);
  return seen - t0;
}

/** The guest prints `bytes` of `yes` output on its serial line, then a marker line. */
export function bulkCommand(bytes: number): { cmd: string; mark: string } {
  return { cmd: `yes 0123456789012345678901234567890123456789012345678 | head -c ${bytes}; echo END-$((40+2))`, mark: "END-42" };
}

/** Types the bulk command, then times Enter to the marker line's last byte. */
export async function bulkSample(port: Port, bytes: number): Promise<number> {
  const { cmd, mark } = bulkCommand(bytes);
  port.onData(() => undefined);
  port.send(cmd);
  await sleep(1000);
  let tail = "";
  let seen = 0;
  const got = new Promise<void>((r) =>
    port.onData((c, t) => {
      tail = (tail + c.toString("latin1")).slice(-64);
      if (seen === 0 && tail.includes(`\n${mark}\r`)) {
        seen = t;
        r();
      }
    }),
  );
  const t0 = performance.now();
  port.send("\r");
  await within(300_000, got, "the bulk marker");
  await sleep(300);
  return seen - t0;
}
