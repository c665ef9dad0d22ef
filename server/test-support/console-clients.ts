// Shared by the console integration test and bench/console.ts: a stand-in guest serial
// socket on a lab host (socat), and a WebSocket console client that records what it gets.
import { mkdir, readFile } from "node:fs/promises";
import WebSocket from "ws";
import type { LabHost } from "../../scripts/lab-host";
import { BANNER, ensureTinyGuest } from "../../scripts/guest-image/tiny-guest";
import type { ConsoleControlMessage } from "../console/console-gateway";

/** An interactive shell on a PTY behind a unix socket, as a guest's serial line would be. */
export function shellSocketArgv(socketPath: string): string[] {
  return ["socat", `UNIX-LISTEN:${socketPath},fork,unlink-early`, "EXEC:sh -i,pty,stderr,setsid,ctty,sane"];
}

export async function waitForSocket(host: LabHost, socketPath: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await host.execInNs(["test", "-S", socketPath])).code !== 0) {
    if (Date.now() > deadline) throw new Error(`no socket at ${socketPath}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Kills every process in the host's namespace whose argv mentions the socket (listener and forks). */
export async function killSocketServer(host: LabHost, socketPath: string): Promise<void> {
  for (const p of await host.processes()) {
    if (p.argv.some((a) => a.includes(socketPath))) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // gone already
      }
    }
  }
}

export interface RunningTinyGuest {
  serialSocket: string;
  serialLog: string;
  version: string;
  bootSeconds: number;
  stop(): Promise<void>;
}

/**
 * The tiny test guest (scripts/guest-image) under TCG in the host's namespace, with its serial
 * line on a socket chardev and a logfile, as Labdeck's QEMU command line sets it up.
 */
export async function startTinyGuest(host: LabHost, dir: string, timeoutMs = 60_000): Promise<RunningTinyGuest> {
  const guest = await ensureTinyGuest();
  await mkdir(dir, { recursive: true });
  const serialSocket = `${dir}/serial.sock`;
  const serialLog = `${dir}/serial.log`;
  const pidfile = `${dir}/qemu.pid`;
  const t0 = performance.now();
  const q = await host.execInNs([
    "qemu-system-x86_64",
    "-accel",
    "tcg",
    "-m",
    "256",
    "-kernel",
    guest.kernel,
    "-initrd",
    guest.initrd,
    "-append",
    "console=ttyS0 quiet panic=-1",
    "-daemonize",
    "-pidfile",
    pidfile,
    "-chardev",
    `socket,id=s0,path=${serialSocket},server=on,wait=off,logfile=${serialLog}`,
    "-serial",
    "chardev:s0",
    "-display",
    "none",
    "-nic",
    "none",
  ]);
  if (q.code !== 0) throw new Error(`qemu failed: ${q.stderr}`);
  const deadline = Date.now() + timeoutMs;
  while (!(await readFile(serialLog, "utf8").catch(() => "")).includes(BANNER)) {
    if (Date.now() > deadline) throw new Error("the tiny guest printed no banner");
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    serialSocket,
    serialLog,
    version: guest.version,
    bootSeconds: (performance.now() - t0) / 1000,
    async stop() {
      const pid = Number((await readFile(pidfile, "utf8").catch(() => "")).trim());
      if (pid > 0) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // exited already
        }
      }
    },
  };
}

export type ConsoleEvent = { kind: "data"; bytes: Buffer } | { kind: "control"; msg: ConsoleControlMessage };

export interface ConsoleClient {
  ws: WebSocket;
  controls: ConsoleControlMessage[];
  /** Everything received, in order (bytes and control messages). */
  events: ConsoleEvent[];
  /** All binary bytes received, exactly. */
  bytes(): Buffer;
  /** Binary bytes received before scrollback-end. */
  scrollback(): string;
  text(): string;
  waitFor(pred: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  waitForText(s: string, timeoutMs?: number): Promise<void>;
  waitForState(state: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function openConsole(
  base: string,
  guestId: string,
  opts: { cookie?: string; ticket?: string; origin?: string; autoPong?: boolean; resume?: string },
): Promise<ConsoleClient> {
  const query = [
    opts.ticket === undefined ? null : `ticket=${encodeURIComponent(opts.ticket)}`,
    opts.resume === undefined ? null : `resume=${encodeURIComponent(opts.resume)}`,
  ].filter((q) => q !== null);
  const url = `${base.replace(/^http/, "ws")}/api/console/${guestId}${query.length > 0 ? `?${query.join("&")}` : ""}`;
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.cookie = opts.cookie;
  const ws = new WebSocket(url, { headers, origin: opts.origin ?? base, perMessageDeflate: false, autoPong: opts.autoPong ?? true });
  const controls: ConsoleControlMessage[] = [];
  const events: ConsoleEvent[] = [];
  const before: Buffer[] = [];
  const all: Buffer[] = [];
  let inScrollback = true;
  let waiters: (() => void)[] = [];
  const notify = () => {
    for (const w of waiters) w();
  };
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    if (isBinary) {
      all.push(data);
      events.push({ kind: "data", bytes: data });
      if (inScrollback) before.push(data);
    } else {
      const msg = JSON.parse(data.toString()) as ConsoleControlMessage;
      if (msg.type === "scrollback-end") inScrollback = false;
      controls.push(msg);
      events.push({ kind: "control", msg });
    }
    notify();
  });
  const client: ConsoleClient = {
    ws,
    controls,
    events,
    bytes: () => Buffer.concat(all),
    scrollback: () => Buffer.concat(before).toString(),
    text: () => Buffer.concat(all).toString(),
    waitFor(pred, what, timeoutMs = 10_000) {
      if (pred()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pred()) return;
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== check);
          reject(
            new Error(
              `timed out waiting for ${what}; got text ${JSON.stringify(client.text().slice(-300))}, controls ${JSON.stringify(controls)}`,
            ),
          );
        }, timeoutMs);
        waiters.push(check);
      });
    },
    waitForText: (s, t) => client.waitFor(() => client.text().includes(s), JSON.stringify(s), t),
    waitForState: (state, t) =>
      client.waitFor(
        () => {
          const last = [...controls].reverse().find((c) => c.type === "state");
          return last?.type === "state" && last.state === state;
        },
        `state ${state}`,
        t,
      ),
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === ws.CLOSED) return resolve();
        ws.once("close", () => resolve());
        ws.close();
      }),
  };
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(client));
    ws.once("unexpected-response", (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once("error", reject);
  });
}
