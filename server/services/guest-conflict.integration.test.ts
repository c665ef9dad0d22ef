import type http from "node:http";
import type { AddressInfo } from "node:net";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTempDataDir } from "../test-support/temp-data";

// Fault matrix row 6 (docs/reliability.md): two users edit one guest at once. Guest
// definitions are versioned; the one who saves second must get a CONFLICT naming the
// version they edited and the current one, and the first one's edit must be intact. Run
// through the real HTTP server and tRPC with real sessions and a real SQLite file, so the
// error is checked as the browser receives it.

let server: http.Server;
let base: string;

interface Reply {
  status: number;
  data: unknown;
  error: { message: string; data: { code: string; labdeckCode: string | null; details: Record<string, unknown> | null } } | null;
  setCookie: string[];
}

async function call(path: string, input: unknown, cookie?: string, kind: "query" | "mutation" = "mutation"): Promise<Reply> {
  const headers: Record<string, string> = cookie ? { cookie } : {};
  let res: Response;
  if (kind === "query") {
    res = await fetch(`${base}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`, { headers });
  } else {
    res = await fetch(`${base}/api/trpc/${path}`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", origin: base },
      body: JSON.stringify(superjson.serialize(input)),
    });
  }
  const body = (await res.json()) as { result?: { data: unknown }; error?: { json: Reply["error"] } };
  return {
    status: res.status,
    data: body.result ? superjson.deserialize(body.result.data as Parameters<typeof superjson.deserialize>[0]) : undefined,
    error: body.error?.json ?? null,
    setCookie: res.headers.getSetCookie(),
  };
}

async function signIn(username: string, password: string): Promise<string> {
  const res = await call("auth.signIn", { username, password });
  const raw = res.setCookie.find((c) => c.startsWith("labdeck_session="));
  if (res.status !== 200 || !raw) throw new Error(`sign-in of ${username} failed: ${res.status}`);
  return raw.split(";")[0] ?? "";
}

interface GuestReply {
  id: string;
  version: number;
  definition: { name: string; vcpus: number; memoryMiB: number; disks: unknown[]; nics: { mac?: string }[] };
}

let alice = "";
let bob = "";
let hostId = "";
let runDir = "";

beforeAll(async () => {
  const dir = await useTempDataDir();
  runDir = `${dir}/host-run`;
  const { createHttpServer } = await import("../http/http-server");
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
  // The first admin needs the setup token printed at start (no trust in "a local request").
  const { issueSetupToken } = await import("../auth/setup-token");
  const token = issueSetupToken();
  expect((await call("auth.createFirstAdmin", { username: "admin", password: "admin password 1", token })).status).toBe(200);
  const admin = await signIn("admin", "admin password 1");
  for (const u of ["alice", "bob"]) {
    expect((await call("users.create", { username: u, password: `${u} password 1`, role: "operator" }, admin)).status).toBe(200);
  }
  [alice, bob] = await Promise.all([signIn("alice", "alice password 1"), signIn("bob", "bob password 1")]);
  // No SSH here: a guest definition is inventory, checked against its host's settings only.
  const host = await call("hosts.create", { name: "shared-host", address: "10.0.0.9", runDir, key: { source: "generate" } }, admin);
  hostId = (host.data as { id: string }).id;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("two users editing one guest", () => {
  let guest: GuestReply;
  const def = (over: Partial<GuestReply["definition"]> = {}) => ({
    name: "shared1",
    disks: [{ kind: "new-image", path: `${runDir}/images/shared1.qcow2`, format: "qcow2", sizeBytes: 64 * 2 ** 20 }],
    nics: [{ model: "virtio", network: { kind: "user", forwards: [] } }],
    ...over,
  });

  it("the second save of one version is refused with CONFLICT naming both versions; the first is intact", async () => {
    const created = await call("guests.create", { hostId, definition: def() }, alice);
    expect(created.status, JSON.stringify(created.error)).toBe(200);
    guest = created.data as GuestReply;
    const mac = guest.definition.nics[0]?.mac;

    // Both open the edit page on version 1.
    const [a, b] = await Promise.all(
      [alice, bob].map(async (c) => (await call("guests.get", { id: guest.id }, c, "query")).data as GuestReply),
    );
    expect([a?.version, b?.version]).toEqual([1, 1]);

    const won = await call("guests.update", { id: guest.id, version: 1, definition: { ...a?.definition, memoryMiB: 1024 } }, alice);
    expect(won.status, JSON.stringify(won.error)).toBe(200);
    const lost = await call("guests.update", { id: guest.id, version: 1, definition: { ...b?.definition, vcpus: 4 } }, bob);
    expect(lost.status).toBe(409);
    expect(lost.error?.data).toMatchObject({ code: "CONFLICT", labdeckCode: "CONFLICT", details: { currentVersion: 2, editedVersion: 1 } });
    expect(lost.error?.message).toMatch(/version 2/);
    expect(lost.error?.message).toMatch(/you edited version 1/);

    const { db } = await import("../db");
    const row = await db.guest.findUniqueOrThrow({ where: { id: guest.id } });
    const saved = JSON.parse(row.definitionJson) as GuestReply["definition"];
    expect([row.version, saved.memoryMiB, saved.vcpus, saved.nics[0]?.mac]).toEqual([2, 1024, 1, mac]);
    const updates = await db.auditEvent.findMany({ where: { action: "guest.update" } });
    expect(updates.map((u) => [u.username, (JSON.parse(u.detailsJson ?? "{}") as { fromVersion: number }).fromVersion])).toEqual([
      ["alice", 1],
    ]);
  });

  it("two saves at the same moment: exactly one wins, the other gets CONFLICT, the winner's definition is what is stored", async () => {
    const edits = [
      { cookie: alice, change: { memoryMiB: 2048 } },
      { cookie: bob, change: { vcpus: 8 } },
    ];
    const current = (await call("guests.get", { id: guest.id }, alice, "query")).data as GuestReply;
    const results = await Promise.all(
      edits.map((e) =>
        call("guests.update", { id: guest.id, version: current.version, definition: { ...current.definition, ...e.change } }, e.cookie),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results.findIndex((r) => r.status === 200);
    const loser = results[1 - winner];
    expect(loser?.error?.data.details).toEqual({ currentVersion: current.version + 1, editedVersion: current.version });

    const { db } = await import("../db");
    const row = await db.guest.findUniqueOrThrow({ where: { id: guest.id } });
    const saved = JSON.parse(row.definitionJson) as GuestReply["definition"];
    const expected = { ...current.definition, ...edits[winner]?.change };
    expect(row.version).toBe(current.version + 1);
    expect([saved.memoryMiB, saved.vcpus]).toEqual([expected.memoryMiB, expected.vcpus]);
    // What the winner was shown is what is stored.
    expect((results[winner]?.data as GuestReply).definition).toMatchObject({ memoryMiB: expected.memoryMiB, vcpus: expected.vcpus });
  });

  it("the loser reloads, applies again on the current version, and keeps the winner's change", async () => {
    const current = (await call("guests.get", { id: guest.id }, bob, "query")).data as GuestReply;
    const again = await call(
      "guests.update",
      { id: guest.id, version: current.version, definition: { ...current.definition, display: "vnc" } },
      bob,
    );
    expect(again.status, JSON.stringify(again.error)).toBe(200);
    const after = again.data as GuestReply & { definition: { display: string } };
    expect(after.version).toBe(current.version + 1);
    expect(after.definition).toMatchObject({ memoryMiB: current.definition.memoryMiB, vcpus: current.definition.vcpus, display: "vnc" });
  });
});
