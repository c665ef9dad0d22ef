// The console end to end on a real lab host: browser-like `ws` clients → the real HTTP
// server and gateway → SshPool → a unix socket on the host served by a shell on a PTY
// (socat), standing in for a guest's serial line, with `socat -R` writing what the shell
// prints to a log as QEMU's chardev logfile does (console output is read from the log).
import type http from "node:http";
import type { AddressInfo } from "node:net";
import { SessionEvents } from "../auth/session-events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labHostsSupported, labHostTarget, startLabHost, type LabHost } from "../../scripts/lab-host";
import type { SshPool } from "../ssh/pool";
import { useTempDataDir } from "../test-support/temp-data";
import type { ConsoleUpgradeHandler } from "./console-gateway";
import type { ConsoleTicketStore } from "./console-tickets";
import {
  killSocketServer,
  openConsole,
  shellSocketArgv,
  startTinyGuest,
  waitForSocket,
  type ConsoleClient,
  type RunningTinyGuest,
} from "../test-support/console-clients";
import { readSerialLogPage, searchSerialLog } from "./serial-log-reader";

// The ended-session events the gateway listens to, shared with the role change below.
const sessions = new SessionEvents();
const support = labHostsSupported();

describe.skipIf(!support.ok)(`console gateway${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  let host: LabHost;
  let pool: SshPool;
  let server: http.Server;
  let handler: ConsoleUpgradeHandler;
  let tickets: ConsoleTicketStore;
  let base: string;
  let shellSock: string;
  let shellLog: string;
  const shellArgv = () => ["socat", "-R", shellLog, ...shellSocketArgv(shellSock).slice(1)];
  let tiny: RunningTinyGuest | undefined;
  const clock = { offset: 0 };
  const users: Record<"olga" | "vic" | "mallory" | "oscar", { id: string; cookie: string }> = {} as never;
  const open: ConsoleClient[] = [];

  const ticket = (who: keyof typeof users, guestId = "g1", canWrite = who !== "vic") =>
    tickets.issue({ userId: users[who].id, guestId, canWrite }).ticket;
  const connect = async (who: keyof typeof users, guestId = "g1", extra: { origin?: string; ticket?: string } = {}) => {
    const c = await openConsole(base, guestId, {
      cookie: users[who].cookie,
      ticket: extra.ticket ?? ticket(who, guestId),
      origin: extra.origin,
    });
    open.push(c);
    return c;
  };
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => 0,
      (e: { status?: number }) => e.status ?? -1,
    );

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

    for (const [username, role] of [
      ["olga", "operator"],
      ["vic", "viewer"],
      ["mallory", "operator"],
      ["oscar", "operator"],
    ] as const) {
      const user = await db.user.create({ data: { username, passwordHash: "x", role } });
      const token = newSessionToken();
      await db.session.create({ data: { id: sessionIdFromToken(token), userId: user.id, expiresAt: new Date(Date.now() + 3600_000) } });
      users[username] = { id: user.id, cookie: `${SESSION_COOKIE}=${token}` };
    }

    host = await startLabHost();
    shellSock = `${host.runDir}/g1-serial.sock`;
    shellLog = `${host.runDir}/g1-serial.log`;
    host.spawnInNs(shellArgv());
    await waitForSocket(host, shellSock);

    pool = new SshPool({ keepaliveIntervalMs: 1000 });
    tickets = new ConsoleTicketStore({ now: () => Date.now() + clock.offset });
    const target = labHostTarget(host);
    handler = createConsoleUpgradeHandler({
      db,
      sessionUser,
      ssh: pool,
      resolve: async (guestId) => ({
        target,
        socketPath: guestId === "g1" ? shellSock : guestId === "tiny" && tiny ? tiny.serialSocket : `${host.runDir}/${guestId}-serial.sock`,
        serialLog: guestId === "g1" ? shellLog : guestId === "tiny" && tiny ? tiny.serialLog : `${host.runDir}/${guestId}-serial.log`,
      }),
      allowedOrigins: ["https://labdeck.example"],
      tickets,
      sessionEvents: sessions,
      hub: {
        lingerMs: 0,
        retryInitialMs: 100,
        retryMaxMs: 400,
      },
      heartbeatMs: 300,
    });
    server = createHttpServer({
      get runtime() {
        return testRuntime();
      },
      pages: (_req, res) => res.writeHead(404).end(),
      upgrade: (req, socket, head) => {
        if (!handler(req, socket, head)) socket.destroy();
      },
      allowedOrigins: ["https://labdeck.example"],
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    handler?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await pool?.closeAll();
    await tiny?.stop();
    await host?.stop();
  });

  it("fans one guest's output out to two clients, with one upstream", async () => {
    const a = await connect("olga");
    const b = await connect("olga");
    await a.waitForState("live");
    await b.waitForState("live");
    a.ws.send("echo fan-$((6*7))-out\r");
    await a.waitForText("fan-42-out");
    await b.waitForText("fan-42-out");
    expect(handler.hub.stats()).toEqual([{ guestId: "g1", viewers: 2, state: "live", followerOpen: true, inputOpen: true }]);
  });

  it("gives a late client the scrollback first, then live output", async () => {
    const late = await connect("olga");
    await late.waitFor(() => late.controls.some((c) => c.type === "scrollback-end"), "scrollback-end");
    expect(late.scrollback()).toContain("fan-42-out");
    late.ws.send(Buffer.from("echo late-$((1+2))\r"));
    await late.waitForText("late-3");
  });

  it("never lets a viewer's keystrokes reach the guest", async () => {
    const vic = await connect("vic");
    const olga = await connect("olga");
    await vic.waitForState("live");
    vic.ws.send("echo viewer-typed-$((5+5))\r");
    vic.ws.send(Buffer.from("echo viewer-binary-$((5+5))\r"));
    await vic.waitFor(() => vic.controls.some((c) => c.type === "error"), "read-only error");
    expect(vic.controls.filter((c) => c.type === "error")).toEqual([{ type: "error", message: "read-only: viewers cannot type" }]);
    olga.ws.send("echo operator-$((2+2))-done\r");
    await vic.waitForText("operator-4-done");
    await olga.waitForText("operator-4-done");
    expect(vic.text()).not.toContain("viewer-");
    expect(olga.text()).not.toContain("viewer-");
  });

  it("refuses before upgrading: no session, bad, reused, expired, other guest, other user, cross-site", async () => {
    expect(await refusal(openConsole(base, "g1", { ticket: ticket("olga") }))).toBe(401);
    expect(await refusal(openConsole(base, "g1", { cookie: users.olga.cookie, ticket: "made-up" }))).toBe(403);
    expect(await refusal(openConsole(base, "g1", { cookie: users.olga.cookie }))).toBe(403);
    const used = ticket("olga");
    (await connect("olga", "g1", { ticket: used })).ws.close();
    expect(await refusal(openConsole(base, "g1", { cookie: users.olga.cookie, ticket: used }))).toBe(403);
    const old = ticket("olga");
    clock.offset = 31_000;
    expect(await refusal(openConsole(base, "g1", { cookie: users.olga.cookie, ticket: old }))).toBe(403);
    clock.offset = 0;
    expect(await refusal(openConsole(base, "g1", { cookie: users.olga.cookie, ticket: ticket("olga", "g2") }))).toBe(403);
    expect(await refusal(openConsole(base, "g1", { cookie: users.mallory.cookie, ticket: ticket("olga") }))).toBe(403);
    expect(
      await refusal(openConsole(base, "g1", { cookie: users.olga.cookie, ticket: ticket("olga"), origin: "https://evil.example" })),
    ).toBe(403);
    expect(await refusal(openConsole(base, "g1.x", { cookie: users.olga.cookie, ticket: ticket("olga") }))).toBe(400);
    const allowed = await connect("olga", "g1", { origin: "https://labdeck.example" });
    await allowed.waitForState("live");
  });

  it("says guest-not-running for a guest without a socket, showing its log", async () => {
    await host.execInNs(["sh", "-c", 'printf "last words of g2\\n" > "$1"', "sh", `${host.runDir}/g2-serial.log`]);
    const c = await connect("olga", "g2");
    await c.waitForState("guest-not-running");
    await c.waitForText("last words of g2");
    expect(c.ws.readyState).toBe(c.ws.OPEN);
  });

  it("says guest-not-running, not connecting, for a guest that was never started (no log, no socket)", async () => {
    const c = await connect("olga", "never");
    await c.waitForState("guest-not-running");
    expect(c.ws.readyState).toBe(c.ws.OPEN);
  });

  it("shows guest-not-running when the socket goes away and goes live again when it is back", async () => {
    const c = await connect("olga");
    await c.waitForState("live");
    await killSocketServer(host, shellSock);
    await c.waitForState("guest-not-running");
    host.spawnInNs(shellArgv());
    await waitForSocket(host, shellSock);
    await c.waitForState("live");
    c.ws.send("echo back-$((3*3))\r");
    await c.waitForText("back-9");
  });

  it("recovers after the SSH connection drops", async () => {
    const c = await connect("olga");
    await c.waitForState("live");
    const before = c.controls.length;
    await host.dropConnections();
    await c.waitFor(() => c.controls.slice(before).some((m) => m.type === "state" && m.state !== "live"), "a state change");
    await c.waitForState("live");
    c.ws.send("echo recovered-$((4*4))\r");
    await c.waitForText("recovered-16");
  });

  it("drops a client that stops answering pings, and keeps one that answers", async () => {
    const dead = await openConsole(base, "g1", { cookie: users.olga.cookie, ticket: ticket("olga"), autoPong: false });
    const live = await connect("olga");
    const closed = new Promise<void>((r) => dead.ws.once("close", () => r()));
    await closed;
    expect(live.ws.readyState).toBe(live.ws.OPEN);
    await live.waitForState("live");
  });

  it("ends a demoted operator's open console at once: nothing typed after the change reaches the guest", async () => {
    const { db } = await import("../db");
    const { setUserRole } = await import("../services/user-service");
    const oscar = await connect("oscar");
    const watcher = await connect("mallory");
    await oscar.waitForState("live");
    await watcher.waitForState("live");
    oscar.ws.send("echo before-$((20+1))\r");
    await watcher.waitForText("before-21");

    const closed = new Promise<number>((r) => oscar.ws.once("close", (code) => r(code)));
    await setUserRole({ db, sessions }, { userId: null, username: "test-admin" }, { id: users.oscar.id, role: "viewer" });
    // Sent before the client has seen the close: the server must already drop it.
    oscar.ws.send("echo after-$((20+2))\r");
    expect(await closed).toBe(4001);
    expect(oscar.controls).toContainEqual({ type: "error", message: expect.stringMatching(/role was changed/) });

    watcher.ws.send("echo sentinel-$((30+3))\r");
    await watcher.waitForText("sentinel-33");
    expect(watcher.text()).not.toContain("after-22");
    // Its sessions ended with it: no new console either.
    expect(await refusal(openConsole(base, "g1", { cookie: users.oscar.cookie, ticket: ticket("oscar") }))).toBe(401);
  });

  describe("with the tiny QEMU guest", () => {
    beforeAll(async () => {
      tiny = await startTinyGuest(host, `${host.runDir}/guests/tiny`);
    }, 120_000);

    it("starts a console opened after the boot from the serial log's tail", async () => {
      const late = await connect("vic", "tiny");
      await late.waitForText("labdeck tiny guest ready", 15_000);
    });

    it("types into the guest's shell and a viewer watches", async () => {
      const olga = await connect("olga", "tiny");
      const vic = await connect("vic", "tiny");
      await olga.waitForState("live");
      vic.ws.send("echo viewer-$((1+1))\r");
      olga.ws.send("echo tiny-$((6*7))-guest\r");
      await vic.waitForText("tiny-42-guest", 30_000);
      await olga.waitForText("tiny-42-guest");
      expect(olga.text()).not.toContain("viewer-");
    });

    it("loads and searches the host-side serial log, boot banner included", async () => {
      const target = labHostTarget(host);
      const page = await readSerialLogPage({ ssh: pool, target, path: tiny!.serialLog, pageBytes: 4096 });
      expect(page.size).toBeGreaterThan(0);
      expect(page.text).toContain("tiny-42-guest");
      const first = await readSerialLogPage({ ssh: pool, target, path: tiny!.serialLog, before: 4096, pageBytes: 4096 });
      expect(first.offset).toBe(0);
      const hits = await searchSerialLog({ ssh: pool, target, path: tiny!.serialLog, term: "LABDECK TINY GUEST READY" });
      expect(hits.length).toBeGreaterThanOrEqual(1);
      expect(hits[0]?.text).toContain("labdeck tiny guest ready");
      const at = await readSerialLogPage({ ssh: pool, target, path: tiny!.serialLog, before: hits[0]!.offset + 200, pageBytes: 200 });
      expect(at.text).toContain("labdeck tiny guest ready");
      expect(await searchSerialLog({ ssh: pool, target, path: tiny!.serialLog, term: "no such text anywhere" })).toEqual([]);
      expect(await searchSerialLog({ ssh: pool, target, path: `${host.runDir}/missing.log`, term: "x" })).toEqual([]);
    });
  });
});
