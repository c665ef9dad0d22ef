import type { AddressInfo } from "node:net";
import type http from "node:http";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTempDataDir } from "../test-support/temp-data";

// Sign-in, sessions, roles and the cross-site check through the real HTTP server and a
// real SQLite file, speaking tRPC's wire format as the browser does.

let server: http.Server;
let base: string;
let setupToken: string;

interface Reply {
  status: number;
  body: { result?: { data: unknown }; error?: { json?: { message: string; data: { code: string } }; message?: string } };
  setCookie: string[];
  data: unknown;
}

async function call(
  kind: "query" | "mutation",
  path: string,
  input?: unknown,
  opts: { cookie?: string; origin?: string | null; contentType?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.cookie) headers.cookie = opts.cookie;
  let res: Response;
  if (kind === "query") {
    const q = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
    res = await fetch(`${base}/api/trpc/${path}${q}`, { headers });
  } else {
    headers["content-type"] = opts.contentType ?? "application/json";
    if (opts.origin !== null) headers.origin = opts.origin ?? base;
    res = await fetch(`${base}/api/trpc/${path}`, { method: "POST", headers, body: JSON.stringify(superjson.serialize(input ?? null)) });
  }
  const body = (await res.json()) as Reply["body"];
  const data = body.result ? superjson.deserialize(body.result.data as Parameters<typeof superjson.deserialize>[0]) : undefined;
  return { status: res.status, body, setCookie: res.headers.getSetCookie(), data };
}

function cookieOf(reply: Reply): string {
  const raw = reply.setCookie.find((c) => c.startsWith("labdeck_session="));
  if (!raw) throw new Error("no session cookie");
  return raw.split(";")[0] ?? "";
}

beforeAll(async () => {
  await useTempDataDir();
  const { createHttpServer } = await import("./http-server");
  const { runtime: testRuntime } = await import("../test-support/runtime");
  const { issueSetupToken } = await import("../auth/setup-token");
  setupToken = issueSetupToken();
  server = createHttpServer({
    get runtime() {
      return testRuntime();
    },
    pages: (_req, res) => res.writeHead(404).end(),
    allowedOrigins: [],
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("sign-in, sessions and roles over HTTP", () => {
  let adminCookie = "";

  it("needs the setup token for the first admin, even from loopback", async () => {
    expect((await call("query", "auth.setupStatus")).data).toEqual({ needsFirstAdmin: true });
    const input = { username: "alice", password: "correct horse battery" };
    // A loopback peer proves nothing: a reverse proxy on this machine, or a DNS-rebound page, is one.
    const local = await call("mutation", "auth.createFirstAdmin", input);
    expect(local.status).toBe(403);
    expect(local.body.error?.json?.message).toMatch(/setup token/);
    expect((await call("mutation", "auth.createFirstAdmin", { ...input, token: "wrong-token" })).status).toBe(403);
    const { db } = await import("../db");
    expect(await db.user.count()).toBe(0);
    const ok = await call("mutation", "auth.createFirstAdmin", { ...input, token: setupToken });
    expect(ok.status).toBe(200);
    expect(ok.setCookie.some((c) => c.startsWith("labdeck_session="))).toBe(true);
    const again = await call("mutation", "auth.createFirstAdmin", {
      username: "mallory",
      password: "correct horse battery",
      token: setupToken,
    });
    expect(again.status).not.toBe(200);
  });

  it("signs in with an HttpOnly SameSite cookie and knows the user", async () => {
    const wrong = await call("mutation", "auth.signIn", { username: "alice", password: "wrong password!" });
    expect(wrong.status).toBe(401);
    const res = await call("mutation", "auth.signIn", { username: "alice", password: "correct horse battery" });
    expect(res.status).toBe(200);
    const raw = res.setCookie.find((c) => c.startsWith("labdeck_session=")) ?? "";
    expect(raw).toMatch(/HttpOnly/);
    expect(raw).toMatch(/SameSite=Strict/);
    adminCookie = cookieOf(res);
    expect((await call("query", "auth.me", undefined, { cookie: adminCookie })).data).toMatchObject({ username: "alice", role: "admin" });
    expect((await call("query", "auth.me")).data).toBeNull();
  });

  it("refuses cross-site and non-JSON mutations before they run", async () => {
    const input = { username: "eve", password: "long enough password", role: "admin" };
    const evil = await call("mutation", "users.create", input, { cookie: adminCookie, origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    const noOrigin = await call("mutation", "users.create", input, { cookie: adminCookie, origin: null });
    expect(noOrigin.status).toBe(403);
    const form = await call("mutation", "users.create", input, { cookie: adminCookie, contentType: "application/x-www-form-urlencoded" });
    expect(form.status).toBe(403);
    const users = (await call("query", "users.list", undefined, { cookie: adminCookie })).data as { username: string }[];
    expect(users.map((u) => u.username)).toEqual(["alice"]);
  });

  it("lets a viewer read but not add a host", async () => {
    const created = await call(
      "mutation",
      "users.create",
      { username: "victor", password: "viewer password 1", role: "viewer" },
      { cookie: adminCookie },
    );
    expect(created.status).toBe(200);
    const viewer = cookieOf(await call("mutation", "auth.signIn", { username: "victor", password: "viewer password 1" }));
    expect((await call("query", "hosts.list", undefined, { cookie: viewer })).status).toBe(200);
    const add = await call(
      "mutation",
      "hosts.create",
      { name: "web1", address: "10.0.0.1", key: { source: "generate" } },
      { cookie: viewer },
    );
    expect(add.status).toBe(403);
    expect(((await call("query", "hosts.list", undefined, { cookie: adminCookie })).data as unknown[]).length).toBe(0);
    expect((await call("query", "users.list", undefined, { cookie: viewer })).status).toBe(403);
  });

  it("never returns a host's private key, and stores it sealed", async () => {
    const { generateKeyPair } = await import("../hosts/key-vault");
    const pair = generateKeyPair("t");
    const secretLine = pair.privateKey.split("\n")[2] ?? "";
    expect(secretLine.length).toBeGreaterThan(20);
    const created = await call(
      "mutation",
      "hosts.create",
      { name: "web2", address: "10.0.0.2", key: { source: "paste", privateKey: pair.privateKey } },
      { cookie: adminCookie },
    );
    expect(created.status).toBe(200);
    expect(JSON.stringify(created.body)).not.toContain(secretLine);
    expect((created.data as { publicKey: string }).publicKey.split(" ")[1]).toBe(pair.publicKey.split(" ")[1]);
    const list = await call("query", "hosts.list", undefined, { cookie: adminCookie });
    expect(JSON.stringify(list.body)).not.toContain(secretLine);
    expect(JSON.stringify(list.body)).not.toContain("sealed");
    const { db } = await import("../db");
    const row = await db.host.findUniqueOrThrow({ where: { name: "web2" } });
    expect(row.sealedPrivateKey).not.toContain(secretLine);
  });

  it("refuses bad input naming the field, and changes nothing", async () => {
    const bad = await call(
      "mutation",
      "hosts.create",
      { name: "Bad Name!", address: "10.0.0.3", key: { source: "generate" } },
      { cookie: adminCookie },
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toMatch(/name/);
    const { db } = await import("../db");
    expect(await db.host.count()).toBe(1);
  });

  it("signs out: the cookie is cleared and the session is gone", async () => {
    const res = await call("mutation", "auth.signOut", undefined, { cookie: adminCookie });
    expect(res.status).toBe(200);
    expect(res.setCookie.find((c) => c.startsWith("labdeck_session="))).toMatch(/Max-Age=0/);
    expect((await call("query", "auth.me", undefined, { cookie: adminCookie })).data).toBeNull();
  });
});
