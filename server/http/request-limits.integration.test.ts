import type http from "node:http";
import type { AddressInfo } from "node:net";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { useTempDataDir } from "../test-support/temp-data";

// Issue 11: the states query was a GET with every id in its URL; from about 580 guests Node
// answered 431 before tRPC ran, logged nothing, and the page showed "Unexpected end of JSON
// input". Through the real HTTP server: queries are accepted as POST (the pages send them
// so), a URL over Node's header limit is refused with a plain 431 and a log line, a body
// over the cap with 413 and a log line, and the states input is bounded by its schema.

let server: http.Server;
let base = "";
let cookie = "";
let warn: { mock: { calls: unknown[][] }; mockClear(): void };

beforeAll(async () => {
  await useTempDataDir();
  const { logger } = await import("../logger");
  warn = vi.spyOn(logger, "warn") as unknown as typeof warn;
  const { createHttpServer } = await import("./http-server");
  const { runtime: testRuntime } = await import("../test-support/runtime");
  server = createHttpServer({
    get runtime() {
      return testRuntime();
    },
    pages: (_req, res) => res.writeHead(404).end(),
    allowedOrigins: [],
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { db } = await import("../db");
  const { createUser } = await import("../services/user-service");
  await createUser(db, { userId: null, username: "t" }, { username: "viewer1", password: "viewer password 1", role: "viewer" });
  const res = await post("auth.signIn", { username: "viewer1", password: "viewer password 1" });
  cookie = (res.headers.getSetCookie().find((c) => c.startsWith("labdeck_session=")) ?? "").split(";")[0] ?? "";
  expect(cookie).not.toBe("");
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

function post(path: string, input: unknown): Promise<Response> {
  return fetch(`${base}/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(superjson.serialize(input)),
  });
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${String(i).padStart(24, "0")}`);

describe("requests that grow with the inventory", () => {
  it("answers a query sent as POST, as the pages send them", async () => {
    const res = await post("guests.page", { limit: 10 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { data: { json: { total: number } } } };
    expect(body.result.data.json.total).toBe(0);
  });

  it("refuses more state ids than one request takes, by the schema and as JSON", async () => {
    expect((await post("guests.states", { ids: ids(200) })).status).not.toBe(400);
    const res = await post("guests.states", { ids: ids(600) });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/json");
  });

  it("refuses a URL over Node's header limit with a plain 431 and logs it", async () => {
    warn.mockClear();
    const input = encodeURIComponent(JSON.stringify(superjson.serialize({ ids: ids(600) })));
    const res = await fetch(`${base}/api/trpc/guests.states?input=${input}`, { headers: { cookie } });
    expect(res.status).toBe(431);
    expect(res.headers.get("content-type")).toContain("text/plain");
    expect(await res.text()).toContain("too large");
    expect(warn.mock.calls.some((c) => String(c[1]).includes("431"))).toBe(true);
  });

  it("refuses a body over the cap with 413 and logs it", async () => {
    warn.mockClear();
    const res = await post("guests.states", { ids: ids(60_000) });
    expect(res.status).toBe(413);
    expect(warn.mock.calls.some((c) => String(c[1]).includes("413"))).toBe(true);
  });
});
