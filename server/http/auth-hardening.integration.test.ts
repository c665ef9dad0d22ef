// Authentication under attack and behind a proxy, through the real HTTP server and a real
// SQLite file: the Host check (DNS rebinding), malformed cookies, sign-in backoff and its
// aggregated audit, __Host-/Secure cookies only when HTTPS is known, and subscriptions
// that end with the session.
import http from "node:http";
import type { AddressInfo } from "node:net";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTempDataDir } from "../test-support/temp-data";

interface Reply {
  status: number;
  text: string;
  setCookie: string[];
  data: unknown;
  message: string | undefined;
}

let direct: http.Server;
let proxied: http.Server;
let base: string;
let proxiedBase: string;
let adminCookie: string;

async function call(
  url: string,
  kind: "query" | "mutation",
  path: string,
  input?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const h: Record<string, string> = { ...headers };
  let res: Response;
  if (kind === "query") {
    const q = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
    res = await fetch(`${url}/api/trpc/${path}${q}`, { headers: h });
  } else {
    h["content-type"] = "application/json";
    h.origin ??= url;
    res = await fetch(`${url}/api/trpc/${path}`, { method: "POST", headers: h, body: JSON.stringify(superjson.serialize(input ?? null)) });
  }
  const text = await res.text();
  let body: { result?: { data: unknown }; error?: { json?: { message?: string } } } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON (a refusal before tRPC)
  }
  const data = body.result ? superjson.deserialize(body.result.data as Parameters<typeof superjson.deserialize>[0]) : undefined;
  return { status: res.status, text, setCookie: res.headers.getSetCookie(), data, message: body.error?.json?.message };
}

/** A raw request, so the Host header is exactly what the test says (fetch fills it in). */
function rawRequest(
  url: string,
  opts: { path: string; host: string; headers?: Record<string, string> },
): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const headers = opts.host === "" ? { ...opts.headers } : { ...opts.headers, host: opts.host };
    const req = http.request(
      { host: u.hostname, port: u.port, path: opts.path, method: "GET", headers, setHost: opts.host !== "" },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 101, body: "" });
    });
    req.on("error", reject);
    req.end();
  });
}

function cookiePair(reply: Reply, name = "labdeck_session"): string {
  const raw = reply.setCookie.find((c) => c.startsWith(`${name}=`));
  if (!raw) throw new Error(`no ${name} cookie in ${JSON.stringify(reply.setCookie)}`);
  return raw.split(";")[0] ?? "";
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  await useTempDataDir();
  const { createHttpServer } = await import("./http-server");
  const { runtime: testRuntime } = await import("../test-support/runtime");
  const { issueSetupToken } = await import("../auth/setup-token");
  const { SignInThrottle } = await import("../auth/sign-in-throttle");
  const { FailedSignInAudit } = await import("../audit/failed-sign-in-audit");
  const token = issueSetupToken();
  // The product's limits, but a first wait long enough that a slow, shared test machine
  // cannot see it run out between two requests.
  const signInGuard = {
    throttle: new SignInThrottle({ user: { free: 5, maxDelayMs: 600_000, baseDelayMs: 60_000 } }),
    failures: new FailedSignInAudit(),
  };
  const pages = (_req: http.IncomingMessage, res: http.ServerResponse) => res.writeHead(200, { "content-type": "text/plain" }).end("page");
  direct = createHttpServer({
    get runtime() {
      return testRuntime();
    },
    pages,
    allowedOrigins: ["https://labdeck.example.org"],
    policy: { trustedProxies: [], secureCookies: "auto" },
    signInGuard,
  });
  // The same app behind a TLS-terminating proxy on this machine, which it is told to trust.
  proxied = createHttpServer({
    get runtime() {
      return testRuntime();
    },
    pages,
    allowedOrigins: ["https://labdeck.example.org"],
    policy: { trustedProxies: ["127.0.0.1"], secureCookies: "auto" },
    signInGuard,
  });
  base = await listen(direct);
  proxiedBase = await listen(proxied);
  const admin = await call(base, "mutation", "auth.createFirstAdmin", { username: "alice", password: "correct horse battery", token });
  expect(admin.status).toBe(200);
  adminCookie = cookiePair(admin);
});

afterAll(async () => {
  for (const s of [direct, proxied]) {
    s?.closeAllConnections();
    await new Promise<void>((r) => (s ? s.close(() => r()) : r()));
  }
});

describe("the Host header", () => {
  it("serves the listening address, loopback names and configured origins", async () => {
    const port = new URL(base).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, "labdeck.example.org"]) {
      expect((await rawRequest(base, { path: "/", host })).status).toBe(200);
    }
  });

  it("refuses any other name with 421, for pages, tRPC and WebSocket upgrades alike", async () => {
    const port = new URL(base).port;
    // DNS rebinding: the attacker's name now points at 127.0.0.1, so only Host tells.
    const rebound = `rebind.attacker.example:${port}`;
    const page = await rawRequest(base, { path: "/", host: rebound });
    expect(page.status).toBe(421);
    expect(page.body).toMatch(/LABDECK_ALLOWED_ORIGINS/);
    expect((await rawRequest(base, { path: "/api/trpc/auth.me", host: rebound, headers: { cookie: adminCookie } })).status).toBe(421);
    const upgrade = await rawRequest(base, {
      path: "/api/console/g1?ticket=x",
      host: rebound,
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        origin: `http://${rebound}`,
      },
    });
    expect(upgrade.status).toBe(421);
    expect((await rawRequest(base, { path: "/", host: "" })).status).toBe(400);
  });
});

describe("cookies", () => {
  it("ignores a malformed session cookie instead of failing the request", async () => {
    const me = await call(base, "query", "auth.me", undefined, { cookie: "labdeck_session=%E0%A4%A" });
    expect(me.status).toBe(200);
    expect(me.data).toBeNull();
  });

  it("is plain over http, even when an untrusted peer claims X-Forwarded-Proto: https", async () => {
    const res = await call(
      base,
      "mutation",
      "auth.signIn",
      { username: "alice", password: "correct horse battery" },
      { "x-forwarded-proto": "https" },
    );
    expect(res.status).toBe(200);
    const raw = res.setCookie.join("\n");
    expect(raw).toMatch(/^labdeck_session=/);
    expect(raw).not.toMatch(/Secure|__Host-/);
  });

  it("is __Host- and Secure when a trusted proxy says the request came over HTTPS", async () => {
    const https = { "x-forwarded-proto": "https", "x-forwarded-for": "198.51.100.20", origin: "https://labdeck.example.org" };
    const res = await call(proxiedBase, "mutation", "auth.signIn", { username: "alice", password: "correct horse battery" }, https);
    expect(res.status).toBe(200);
    const raw = res.setCookie.find((c) => c.startsWith("__Host-labdeck_session=")) ?? "";
    expect(raw).toMatch(/; Secure/);
    expect(raw).toMatch(/Path=\//);
    expect(raw).not.toMatch(/Domain/i);
    const pair = cookiePair(res, "__Host-labdeck_session");
    expect((await call(proxiedBase, "query", "auth.me", undefined, { ...https, cookie: pair })).data).toMatchObject({ username: "alice" });
    // Over HTTPS the unprefixed cookie (which a sibling subdomain could plant) is not read.
    const unprefixed = pair.replace("__Host-", "");
    expect((await call(proxiedBase, "query", "auth.me", undefined, { ...https, cookie: unprefixed })).data).toBeNull();
  });
});

describe("sign-in backoff", () => {
  it("refuses before hashing with 429 and 'try again in N s', and audits one row per user and address", async () => {
    const wrong = { username: "alice", password: "not the password" };
    const t0 = performance.now();
    expect((await call(base, "mutation", "auth.signIn", wrong)).status).toBe(401);
    const oneHash = performance.now() - t0;
    for (let i = 0; i < 4; i++) expect((await call(base, "mutation", "auth.signIn", wrong)).status).toBe(401);

    const limited = await call(base, "mutation", "auth.signIn", wrong);
    expect(limited.status).toBe(429);
    expect(limited.message).toMatch(/try again in \d+ s/);
    // Even the right password waits: the backoff is on the user, not on the guess.
    expect((await call(base, "mutation", "auth.signIn", { username: "alice", password: "correct horse battery" })).status).toBe(429);
    const t1 = performance.now();
    for (let i = 0; i < 20; i++) expect((await call(base, "mutation", "auth.signIn", wrong)).status).toBe(429);
    expect(performance.now() - t1).toBeLessThan(oneHash * 10);

    // A parallel burst: every attempt counted, still one row.
    const burst = await Promise.all(Array.from({ length: 15 }, () => call(base, "mutation", "auth.signIn", wrong)));
    expect(burst.map((r) => r.status)).toEqual(Array<number>(15).fill(429));

    const { db } = await import("../db");
    const rows = await db.auditEvent.findMany({ where: { kind: "auth", action: "sign-in", outcome: "failed", username: "alice" } });
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.detailsJson ?? "{}")).toMatchObject({ ip: "127.0.0.1", failures: 5, throttled: 37 });
  });

  it("throttles a behind-proxy client by its forwarded address, not the proxy's", async () => {
    const from = (ip: string) => ({ "x-forwarded-for": ip, origin: "https://labdeck.example.org" });
    for (let i = 0; i < 5; i++) {
      expect(
        (await call(proxiedBase, "mutation", "auth.signIn", { username: `nobody${i}`, password: "x" }, from("203.0.113.50"))).status,
      ).toBe(401);
    }
    const { db } = await import("../db");
    const row = await db.auditEvent.findFirst({ where: { kind: "auth", action: "sign-in", outcome: "failed", username: "nobody0" } });
    expect(JSON.parse(row?.detailsJson ?? "{}")).toMatchObject({ ip: "203.0.113.50", failures: 1 });
  });
});

/** Opens an SSE subscription the way httpSubscriptionLink does; resolves with everything received once the server ends it. */
function subscribe(url: string, path: string, input: unknown, cookie: string) {
  const ac = new AbortController();
  let text = "";
  let connected!: () => void;
  const opened = new Promise<void>((r) => (connected = r));
  const ended = (async () => {
    const res = await fetch(`${url}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`, {
      headers: { cookie, accept: "text/event-stream" },
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += new TextDecoder().decode(value);
      if (text.includes("event: connected")) connected();
    }
  })().catch((err: unknown) => {
    if (ac.signal.aborted) return `${text}\n[aborted by the test]`;
    throw err;
  });
  return { opened, ended, abort: () => ac.abort() };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)),
  ]);
}

describe("subscriptions end with the session", () => {
  async function member(username: string, role: "viewer" | "operator") {
    const created = await call(
      base,
      "mutation",
      "users.create",
      { username, password: "a long password 1", role },
      { cookie: adminCookie },
    );
    expect(created.status).toBe(200);
    const signedIn = await call(base, "mutation", "auth.signIn", { username, password: "a long password 1" });
    expect(signedIn.status).toBe(200);
    return { id: (created.data as { id: string }).id, cookie: cookiePair(signedIn) };
  }

  it("a removed user's stream ends at once, with UNAUTHORIZED", async () => {
    const sam = await member("sam", "viewer");
    const sub = subscribe(base, "network.watch", {}, sam.cookie);
    await within(sub.opened, 5000, "the subscription opening");
    expect((await call(base, "mutation", "users.remove", { id: sam.id }, { cookie: adminCookie })).status).toBe(200);
    const text = await within(sub.ended, 3000, "the stream ending").finally(sub.abort);
    expect(text).toMatch(/event: serialized-error/);
    expect(text).toMatch(/UNAUTHORIZED/);
    expect(text).toMatch(/removed/);
  });

  it("sign-out ends that session's stream only; a role change ends every stream of the user", async () => {
    const olga = await member("olga", "operator");
    const other = await call(base, "mutation", "auth.signIn", { username: "olga", password: "a long password 1" });
    const ted = await member("ted", "viewer");
    const tedElsewhere = cookiePair(await call(base, "mutation", "auth.signIn", { username: "ted", password: "a long password 1" }));
    const a = subscribe(base, "network.watch", {}, olga.cookie);
    const b = subscribe(base, "network.watch", {}, cookiePair(other));
    const t = subscribe(base, "network.watch", {}, ted.cookie);
    const t2 = subscribe(base, "network.watch", {}, tedElsewhere);
    await within(Promise.all([a.opened, b.opened, t.opened, t2.opened]), 5000, "the subscriptions opening");

    expect((await call(base, "mutation", "auth.signOut", undefined, { cookie: ted.cookie })).status).toBe(200);
    expect(await within(t.ended, 3000, "the signed-out stream ending").finally(t.abort)).toMatch(/signed out/);
    const stillOpen = await Promise.race([t2.ended.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 500))]);
    t2.abort();
    expect(stillOpen).toBe(true);

    expect((await call(base, "mutation", "users.setRole", { id: olga.id, role: "viewer" }, { cookie: adminCookie })).status).toBe(200);
    const [ta, tb] = await within(Promise.all([a.ended, b.ended]), 3000, "the demoted user's streams ending").finally(() => {
      a.abort();
      b.abort();
    });
    expect(ta).toMatch(/role was changed/);
    expect(tb).toMatch(/role was changed/);
    // Both of olga's sessions are gone, not only the streams.
    expect((await call(base, "query", "auth.me", undefined, { cookie: olga.cookie })).data).toBeNull();
  });
});
