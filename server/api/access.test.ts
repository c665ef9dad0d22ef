import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import type { Access, Role } from "../../lib/roles";
import { useTempDataDir } from "../test-support/temp-data";

// Every tRPC procedure must have an access decision recorded here. A new procedure that
// is not in this table fails the first test; the others prove the server enforces it.

const EXPECTED: Record<string, Access> = {
  "auth.me": "public",
  "auth.setupStatus": "public",
  "auth.createFirstAdmin": "public",
  "auth.signIn": "public",
  "auth.signOut": "viewer",
  "clock.now": "public",
  "users.list": "admin",
  "users.create": "admin",
  "users.setRole": "admin",
  "users.remove": "admin",
  "hosts.list": "viewer",
  "hosts.get": "viewer",
  "hosts.create": "operator",
  "hosts.update": "operator",
  "hosts.remove": "admin",
  "hosts.scanHostKey": "operator",
  "hosts.pinHostKey": "operator",
  "hosts.repinHostKey": "admin",
  "hosts.scratchList": "admin",
  "hosts.lastProbe": "viewer",
  "jobs.list": "viewer",
  "jobs.get": "viewer",
  "jobs.preview": "admin",
  "jobs.run": "admin",
  "jobs.probe": "operator",
  "jobs.cancel": "operator",
  "jobs.watch": "viewer",
  "audit.list": "viewer",
  "audit.usernames": "viewer",
  "demo.status": "admin",
  "demo.start": "admin",
  "demo.stop": "admin",
  "network.read": "viewer",
  "network.preview": "operator",
  "network.run": "operator",
  "network.confirm": "operator",
  "network.rollbackNow": "operator",
  "network.adopt": "operator",
  "network.revertPreview": "operator",
  "network.revert": "operator",
  "network.persistence": "viewer",
  "network.writePersistence": "operator",
  "network.layout": "viewer",
  "network.saveLayout": "operator",
  "network.watch": "viewer",
  "storage.read": "viewer",
  "storage.preview": "operator",
  "storage.run": "operator",
  "guests.list": "viewer",
  "guests.page": "viewer",
  "guests.get": "viewer",
  "guests.states": "viewer",
  "guests.create": "operator",
  "guests.update": "operator",
  "guests.watchAddresses": "viewer",
  "guests.previewDefinition": "operator",
  "guests.preview": "operator",
  "guests.run": "operator",
  "guests.importCommandLine": "operator",
  "guests.readImageFormat": "operator",
  "guests.unmanaged": "viewer",
  "guests.addresses": "viewer",
  "guests.consoleTicket": "viewer",
  "guests.serialLog": "viewer",
  "guests.searchSerialLog": "viewer",
};

const ROLES: Role[] = ["viewer", "operator", "admin"];
const RANK: Record<Access, number> = { public: 0, viewer: 1, operator: 2, admin: 3 };

type AnyProc = { _def: { meta?: { access?: Access }; inputs: unknown[]; type: string } };
type Caller = (input?: unknown) => Promise<unknown>;

let procedures: Record<string, AnyProc>;
let callerFor: (role: Role | null) => Record<string, unknown>;

beforeAll(async () => {
  await useTempDataDir();
  const { appRouter } = await import("./root");
  const { createCallerFactory } = await import("./trpc");
  const { db } = await import("../db");
  procedures = appRouter._def.procedures as unknown as Record<string, AnyProc>;
  const { runtime: testRuntime } = await import("../test-support/runtime");
  const factory = createCallerFactory(appRouter);
  callerFor = (role) =>
    factory({
      get rt() {
        return testRuntime();
      },
      db,
      user: role ? { id: `u-${role}`, username: `test-${role}`, role } : null,
      sessionId: role ? `s-${role}` : null,
      ip: "192.0.2.1",
      secureCookies: false,
      setCookie: () => undefined,
    }) as unknown as Record<string, unknown>;
  // Migrating a fresh SQLite file takes seconds on a loaded 2-core machine.
}, 120_000);

function procAt(caller: Record<string, unknown>, path: string): Caller {
  let node: unknown = caller;
  for (const part of path.split(".")) node = (node as Record<string, unknown>)[part];
  return node as Caller;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (err) {
    return err instanceof TRPCError ? err.code : "THREW";
  }
}

describe("tRPC access", () => {
  it("every procedure has a decision, and it is the one in this table", () => {
    const actual = Object.fromEntries(Object.entries(procedures).map(([path, p]) => [path, p._def.meta?.access ?? "(none)"]));
    expect(actual).toEqual(EXPECTED);
  });

  it.each(Object.entries(EXPECTED))("%s (%s) refuses callers below its role", async (path, access) => {
    if (access === "public") return;
    expect(await codeOf(procAt(callerFor(null), path)("not-an-object"))).toBe("UNAUTHORIZED");
    for (const role of ROLES) {
      if (RANK[role] >= RANK[access]) continue;
      expect(await codeOf(procAt(callerFor(role), path)("not-an-object"))).toBe("FORBIDDEN");
    }
  });

  it.each(Object.entries(EXPECTED))("%s (%s) lets its role through to input validation", async (path, access) => {
    const proc = procedures[path];
    // Without an input there is nothing to refuse: calling it would act, so only the
    // refusals above are checked for those.
    if (access === "public" || !proc || proc._def.inputs.length === 0) return;
    for (const role of ROLES) {
      if (RANK[role] < RANK[access]) continue;
      expect(await codeOf(procAt(callerFor(role), path)("not-an-object"))).toBe("BAD_REQUEST");
    }
  });
});
