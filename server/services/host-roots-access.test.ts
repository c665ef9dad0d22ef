import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../lib/roles";
import { useTempDataDir } from "../test-support/temp-data";

// Who may set a host's roots, through the real tRPC router on a real SQLite file: an
// operator adds hosts with the default roots and edits everything else; the roots are an
// admin's. Before, an operator could set a storage root of "/" with hosts.create/update.

let call: (role: Role) => {
  hosts: Record<
    string,
    (input: unknown) => Promise<{ id: string; runDir: string; storageRoots: string[]; configRoot: string; name: string }>
  >;
};

beforeAll(async () => {
  await useTempDataDir();
  const { appRouter } = await import("../api/root");
  const { createCallerFactory } = await import("../api/trpc");
  const { db } = await import("../db");
  const { runtime: testRuntime } = await import("../test-support/runtime");
  const factory = createCallerFactory(appRouter);
  call = (role) =>
    factory({
      get rt() {
        return testRuntime();
      },
      db,
      user: { id: `u-${role}`, username: `t-${role}`, role },
      sessionId: `s-${role}`,
      ip: "192.0.2.1",
      secureCookies: false,
      setCookie: () => undefined,
    }) as never;
});

async function refusal(p: Promise<unknown>): Promise<{ code: string; field: unknown } | "OK"> {
  try {
    await p;
    return "OK";
  } catch (err) {
    if (!(err instanceof TRPCError)) throw err;
    const cause = err.cause as { field?: string } | undefined;
    return { code: err.code, field: cause?.field };
  }
}

const base = (name: string) => ({ name, address: "192.0.2.10", key: { source: "generate" } });

describe("host roots are an admin's", () => {
  it("an operator adds a host with the default roots, but not with others", async () => {
    const h = await call("operator").hosts.create!(base("op-default"));
    expect(h).toMatchObject({ runDir: "/var/lib/labdeck", storageRoots: [], configRoot: "/" });
    expect(await refusal(call("operator").hosts.create!({ ...base("op-1"), runDir: "/srv/labdeck" }))).toEqual({
      code: "FORBIDDEN",
      field: "runDir",
    });
    expect(await refusal(call("operator").hosts.create!({ ...base("op-2"), storageRoots: ["/srv/images"] }))).toEqual({
      code: "FORBIDDEN",
      field: "storageRoots",
    });
    expect(await refusal(call("operator").hosts.create!({ ...base("op-3"), configRoot: "/srv/cfg" }))).toEqual({
      code: "FORBIDDEN",
      field: "configRoot",
    });
  });

  it("an operator edits a host, sending the roots back unchanged, but cannot change them", async () => {
    const h = await call("operator").hosts.create!(base("op-edit"));
    const renamed = await call("operator").hosts.update!({
      id: h.id,
      name: "op-edited",
      runDir: h.runDir,
      storageRoots: h.storageRoots,
      configRoot: h.configRoot,
    });
    expect(renamed.name).toBe("op-edited");
    for (const change of [{ runDir: "/srv/x" }, { storageRoots: ["/srv/images"] }, { configRoot: "/srv/cfg" }]) {
      expect(await refusal(call("operator").hosts.update!({ id: h.id, ...change }))).toMatchObject({
        code: "FORBIDDEN",
        field: Object.keys(change)[0],
      });
    }
  });

  it("an admin sets roots, never / or a system directory (persistence root / stays allowed)", async () => {
    const h = await call("admin").hosts.create!({ ...base("adm"), runDir: "/srv/labdeck", storageRoots: ["/srv/images"], configRoot: "/" });
    expect(h).toMatchObject({ runDir: "/srv/labdeck", storageRoots: ["/srv/images"], configRoot: "/" });
    expect(await refusal(call("admin").hosts.update!({ id: h.id, storageRoots: ["/"] }))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await refusal(call("admin").hosts.update!({ id: h.id, storageRoots: ["/etc/images"] }))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await refusal(call("admin").hosts.update!({ id: h.id, runDir: "/usr/lib/labdeck" }))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await refusal(call("admin").hosts.update!({ id: h.id, configRoot: "/boot" }))).toMatchObject({ code: "BAD_REQUEST" });
    const moved = await call("admin").hosts.update!({ id: h.id, storageRoots: ["/srv/images", "/mnt/iso"] });
    expect(moved.storageRoots).toEqual(["/srv/images", "/mnt/iso"]);
  });
});
