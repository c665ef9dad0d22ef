import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabHost } from "../../../scripts/lab-host";
import { LabdeckError } from "../../errors";
import { useTempDataDir } from "../../test-support/temp-data";

// A rule comment with a CR is refused at the API edge and again in the service, and
// nothing runs on the lab host: no job, no audit command row, no change record, no SSH
// session opened (sshd's own log), and the namespace's rules as they were. The old
// pattern refused only NUL and LF, so this comment went through to iptables-restore.

let lab: LabHost;
let hostId: string;
let ctx: Awaited<ReturnType<typeof load>>;
const actor = { userId: null, username: "tester" };

async function load() {
  const { db } = await import("../../db");
  const { runtime, runtimeDeps } = await import("../../test-support/runtime");
  const { appRouter } = await import("../../api/root");
  const { createCallerFactory } = await import("../../api/trpc");
  const rt = runtime();
  const { runtime: testRuntime } = await import("../../test-support/runtime");
  const caller = createCallerFactory(appRouter)({
    get rt() {
      return testRuntime();
    },
    db,
    user: { id: "u-op", username: "operator1", role: "operator" },
    sessionId: "s-op",
    ip: "127.0.0.1",
    secureCookies: false,
    setCookie: () => undefined,
  });
  return {
    db,
    rt,
    caller,
    deps: runtimeDeps(rt, actor),
    change: await import("./network-change"),
  };
}

async function sessionsStarted(): Promise<number> {
  return ((await lab.sshdLog()).match(/Starting session/g) ?? []).length;
}

async function rules(): Promise<string> {
  const r = await lab.execInNs(["iptables-save"]);
  return r.stdout
    .split("\n")
    .filter((l) => !l.startsWith("#"))
    .map((l) => l.replace(/\[\d+:\d+\]/g, ""))
    .join("\n");
}

beforeAll(async () => {
  await useTempDataDir();
  const { startLabHost } = await import("../../../scripts/lab-host");
  lab = await startLabHost();
  ctx = await load();
  const { addPinnedLabHost } = await import("../../test-support/inventory-host");
  hostId = await addPinnedLabHost(ctx.deps, lab, "text-host");
}, 60_000);

afterAll(async () => {
  await ctx?.rt.ssh.closeAll();
  await lab?.stop();
});

const withComment = (comment: string) => [
  {
    op: "rule.append" as const,
    table: "filter" as const,
    chain: "INPUT",
    rule: { protocol: "tcp" as const, destinationPort: 8080, comment, target: { kind: "ACCEPT" as const } },
  },
];

describe("a rule comment with a CR", () => {
  it("is refused at the API edge and in the service, and nothing runs on the host", async () => {
    const rulesBefore = await rules();
    const sessionsBefore = await sessionsStarted();
    const hostile = "web\r-A INPUT -j DROP";

    for (const proc of ["preview", "run"] as const) {
      const err = await ctx.caller.network[proc]({ hostId, ops: withComment(hostile) }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe("BAD_REQUEST");
      expect((err as TRPCError).message).toMatch(/ops\.0\.rule\.comment/);
    }
    // Past the edge (a caller inside the server): the service refuses before it reads the host.
    const err = await ctx.change.runChange(ctx.deps, { hostId, ops: withComment(hostile) as never }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LabdeckError);
    expect((err as LabdeckError).field).toBe("ops.0.rule.comment");
    expect((err as LabdeckError).message).toMatch(/carriage return/);

    await ctx.rt.jobs.idle();
    expect(await ctx.db.job.count({ where: { hostId } })).toBe(0);
    expect(await ctx.db.networkChange.count({ where: { hostId } })).toBe(0);
    expect(await ctx.db.auditEvent.count({ where: { hostId, kind: { in: ["command", "read"] } } })).toBe(0);
    expect(await sessionsStarted()).toBe(sessionsBefore);
    expect(await rules()).toBe(rulesBefore);
  });

  it("the same rule with a clean comment does run (the refusal above is the CR's)", async () => {
    const res = await ctx.change.runChange(ctx.deps, { hostId, ops: withComment("web") as never, rollbackSeconds: 60 });
    await ctx.rt.jobs.idle();
    const job = await ctx.db.job.findUniqueOrThrow({ where: { id: res.jobId! } });
    expect(job.status).toBe("succeeded");
    expect(await rules()).toContain("-A INPUT -p tcp -m tcp --dport 8080 -m comment --comment web -j ACCEPT");
    expect(await sessionsStarted()).toBeGreaterThan(0);
  });
});
