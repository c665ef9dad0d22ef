// Boots through the console on a real lab host with the tiny QEMU guest, started the way the
// start plan does it (rotation, boot-mark step, QEMU with logappend=on) over SSH: a console
// open before the start, across a stop and start, reconnecting mid-boot, and over a rotated
// log gets every byte of the serial log exactly once, in order, with each boot marked at its
// byte. The bytes a client got are compared with the log file itself.
import { readFile } from "node:fs/promises";
import type http from "node:http";
import type { AddressInfo } from "node:net";
import { SessionEvents } from "../auth/session-events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labHostsSupported, labHostTarget, startLabHost, type LabHost } from "../../scripts/lab-host";
import { BANNER } from "../../scripts/guest-image/tiny-guest";
import type { SshPool } from "../ssh/pool";
import { useTempDataDir } from "../test-support/temp-data";
import { plannedTinyGuest, TestBoots, type PlannedGuest } from "../test-support/console-boots";
import type { ConsoleControlMessage, ConsoleUpgradeHandler } from "./console-gateway";
import type { ConsoleTicketStore } from "./console-tickets";
import { openConsole, type ConsoleClient } from "../test-support/console-clients";

const support = labHostsSupported();
const KERNEL_LINE = "Linux version";
const count = (s: string, what: string) => s.split(what).length - 1;
type Stream = Extract<ConsoleControlMessage, { type: "stream" }>;
type Boot = Extract<ConsoleControlMessage, { type: "boot" }>;

/** What a client holds after a boot mark: the text of the bytes that followed it. */
function textAfterBoot(c: ConsoleClient, bootId: string): string {
  const at = c.events.findIndex((e) => e.kind === "control" && e.msg.type === "boot" && e.msg.id === bootId);
  if (at < 0) return "";
  return Buffer.concat(c.events.slice(at + 1).flatMap((e) => (e.kind === "data" ? [e.bytes] : []))).toString("latin1");
}

/** Bytes received before the n-th control message of a kind, counted from the client's first stream message. */
function bytesBefore(c: ConsoleClient, pred: (m: ConsoleControlMessage) => boolean): number {
  let n = 0;
  for (const e of c.events) {
    if (e.kind === "data") n += e.bytes.length;
    else if (pred(e.msg)) return n;
  }
  return -1;
}

describe.skipIf(!support.ok)(`console boots${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  let host: LabHost;
  let pool: SshPool;
  let server: http.Server;
  let handler: ConsoleUpgradeHandler;
  let tickets: ConsoleTicketStore;
  let base: string;
  let guest: PlannedGuest;
  const boots = new TestBoots();
  const user = { id: "", cookie: "" };
  const open: ConsoleClient[] = [];

  const connect = async (resume?: string) => {
    const c = await openConsole(base, guest.guestId, {
      cookie: user.cookie,
      ticket: tickets.issue({ userId: user.id, guestId: guest.guestId, canWrite: true }).ticket,
      resume,
    });
    open.push(c);
    return c;
  };
  const firstStream = (c: ConsoleClient) => c.controls.find((m): m is Stream => m.type === "stream");
  const log = (path = guest.serialLog) => readFile(path);

  beforeAll(async () => {
    await useTempDataDir();
    const { db } = await import("../db");
    const { newSessionToken, sessionIdFromToken, SESSION_COOKIE } = await import("../auth/session-token");
    const { SshPool } = await import("../ssh/pool");
    const { ConsoleTicketStore } = await import("./console-tickets");
    const { createConsoleUpgradeHandler } = await import("./console-gateway");
    const { sessionUser } = await import("../services/auth-service");
    const { createHttpServer } = await import("../http/http-server");
    const { runtime: testRuntime } = await import("../test-support/runtime");
    const u = await db.user.create({ data: { username: "olga", passwordHash: "x", role: "operator" } });
    const token = newSessionToken();
    await db.session.create({ data: { id: sessionIdFromToken(token), userId: u.id, expiresAt: new Date(Date.now() + 3600_000) } });
    Object.assign(user, { id: u.id, cookie: `${SESSION_COOKIE}=${token}` });

    host = await startLabHost();
    pool = new SshPool({ keepaliveIntervalMs: 1000 });
    tickets = new ConsoleTicketStore();
    const target = labHostTarget(host);
    guest = await plannedTinyGuest({ host, ssh: pool, target, boots, guestId: "tiny1", dir: `${host.runDir}/guests/tiny1` });
    handler = createConsoleUpgradeHandler({
      db,
      sessionUser,
      ssh: pool,
      resolve: async () => ({ target, socketPath: guest.serialSocket, serialLog: guest.serialLog }),
      allowedOrigins: [],
      tickets,
      sessionEvents: new SessionEvents(),
      hub: { boots, lingerMs: 0, retryInitialMs: 200, retryMaxMs: 2000 },
    });
    server = createHttpServer({
      get runtime() {
        return testRuntime();
      },
      pages: (_req, res) => res.writeHead(404).end(),
      upgrade: (req, socket, head) => {
        if (!handler(req, socket, head)) socket.destroy();
      },
      allowedOrigins: [],
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    handler?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await guest?.stop();
    await pool?.closeAll();
    await host?.stop();
  });

  it("attached before the first start (no log yet): live before the first kernel line, then the whole boot once, from its first byte", async () => {
    const c = await connect();
    const mark = await guest.start();
    await c.waitFor(() => textAfterBoot(c, mark.id).includes(BANNER), "the banner after the boot mark", 90_000);
    const after = textAfterBoot(c, mark.id);
    expect(count(after, KERNEL_LINE)).toBe(1);
    expect(count(after, BANNER)).toBe(1);
    expect(firstStream(c)).toMatchObject({ inode: mark.inode, offset: 0 });
    expect(bytesBefore(c, (m) => m.type === "boot" && m.id === mark.id)).toBe(mark.offset);
    // "live" came before any byte of the kernel's first line.
    const liveAt = c.events.findIndex((e) => e.kind === "control" && e.msg.type === "state" && e.msg.state === "live");
    const kernelAt = c.events.findIndex(
      (e, i) =>
        e.kind === "data" &&
        Buffer.concat(c.events.slice(0, i + 1).flatMap((x) => (x.kind === "data" ? [x.bytes] : []))).includes(KERNEL_LINE),
    );
    expect(liveAt).toBeGreaterThanOrEqual(0);
    expect(liveAt).toBeLessThan(kernelAt);
    // What the viewer holds first, then the log: the log only grows, so it holds all of it.
    const got = c.bytes();
    const file = await log();
    expect(got.equals(file.subarray(0, got.length))).toBe(true);
  }, 120_000);

  it("stop and start again with the console attached: a new mark at the exact byte, nothing lost; a viewer opening mid-boot sees it from the start", async () => {
    const c = await connect();
    await c.waitForState("live", 30_000);
    await guest.stop();
    await c.waitForState("guest-not-running", 30_000);
    const mark = await guest.start();
    const mid = await connect();
    await c.waitFor(() => textAfterBoot(c, mark.id).includes(BANNER), "the second banner", 90_000);
    await mid.waitFor(() => textAfterBoot(mid, mark.id).includes(BANNER), "the banner for the mid-boot viewer", 30_000);
    for (const v of [c, mid]) {
      const start = firstStream(v)!.offset;
      expect(bytesBefore(v, (m) => m.type === "boot" && m.id === mark.id)).toBe(mark.offset - start);
      expect(count(textAfterBoot(v, mark.id), KERNEL_LINE)).toBe(1);
      expect(count(textAfterBoot(v, mark.id), BANNER)).toBe(1);
      // The viewer's bytes first, then the log (bytes still arriving would make them differ).
      const got = v.bytes();
      expect(got.equals((await log()).subarray(start, start + got.length))).toBe(true);
    }
  }, 150_000);

  it("reconnecting mid-boot with resume gets exactly the bytes after the last one shown: no duplicate, no gap, no second mark", async () => {
    const a = await connect();
    await a.waitForState("live", 30_000);
    await guest.stop();
    await a.waitForState("guest-not-running", 30_000);
    const mark = await guest.start();
    await a.waitFor(() => textAfterBoot(a, mark.id).includes(KERNEL_LINE), "the kernel line", 60_000);
    const start = firstStream(a)!.offset;
    const lastBoot = [...a.controls].reverse().find((m): m is Boot => m.type === "boot")!;
    await a.close();
    const shown = a.bytes().length;
    const b = await connect(`${mark.inode}:${start + shown}:${lastBoot.id}`);
    await b.waitFor(
      () => count(textAfterBoot(a, mark.id) + b.bytes().toString("latin1"), BANNER) >= 1,
      "the banner after resuming",
      90_000,
    );
    expect(firstStream(b)).toEqual({ type: "stream", inode: mark.inode, offset: start + shown, resumed: true });
    expect(b.controls.some((m) => m.type === "boot" && m.id === mark.id)).toBe(false);
    const joined = Buffer.concat([a.bytes(), b.bytes()]);
    expect(joined.equals((await log()).subarray(start, start + joined.length))).toBe(true);
    const text = textAfterBoot(a, mark.id) + b.bytes().toString("latin1");
    expect(count(text, KERNEL_LINE)).toBe(1);
    expect(count(text, BANNER)).toBe(1);
  }, 150_000);

  it("a start that rotates the log: the old file's bytes to its end, then the new file from the boot's first byte", async () => {
    const c = await connect();
    await c.waitForState("live", 30_000);
    await guest.stop();
    await c.waitForState("guest-not-running", 30_000);
    const oldInode = firstStream(c)!.inode;
    const mark = await guest.start({ rotateOverBytes: 1 });
    expect(mark.inode).not.toBe(oldInode);
    expect(mark.offset).toBe(0);
    await c.waitFor(() => textAfterBoot(c, mark.id).includes(BANNER), "the banner in the new log", 90_000);
    const streams = c.controls.filter((m): m is Stream => m.type === "stream");
    expect(streams).toEqual([
      expect.objectContaining({ inode: oldInode }),
      { type: "stream", inode: mark.inode, offset: 0, resumed: true },
    ]);
    const switchAt = bytesBefore(c, (m) => m.type === "stream" && m.inode === mark.inode);
    const old = await log(`${guest.serialLog}.1`);
    expect(c.bytes().subarray(0, switchAt).equals(old.subarray(streams[0]!.offset))).toBe(true);
    const rest = c.bytes().subarray(switchAt);
    expect(rest.equals((await log()).subarray(0, rest.length))).toBe(true);
    expect(count(textAfterBoot(c, mark.id), KERNEL_LINE)).toBe(1);
  }, 150_000);
});
