import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labHostsSupported, type LabHost } from "../../../scripts/lab-host";
import { useTempDataDir } from "../../test-support/temp-data";
import { errorOf, until } from "../../test-support/waits";

// Fault matrix row 5 (docs/reliability.md): Labdeck is SIGKILLed during a network change
// whose rollback is armed on the host. The change runs in a separate Labdeck process
// (server/test-support/labdeck-child.ts: the runtime of server/main.ts without HTTP) on
// the same SQLite file; this test process then plays the restarted Labdeck, running the
// start-up recovery main.ts runs. The host must roll back by itself at the deadline, and
// the restarted Labdeck must say "rolled back", read from the host: never "applying",
// never "armed" after the fact, never "confirmed".

const support = labHostsSupported();
const actor = { userId: null, username: "tester" };
const ROLLBACK_SECONDS = 12;

let lab: LabHost;
let hostId: string;
let dataDir: string;
const children: ChildProcess[] = [];

async function load() {
  const { db } = await import("../../db");
  const { runtime, runtimeDeps } = await import("../../test-support/runtime");
  const rt = runtime();
  return {
    db,
    rt,
    deps: runtimeDeps(rt, actor),
    rollback: await import("./network-rollback"),
    startup: await import("../startup"),
  };
}
let s: Awaited<ReturnType<typeof load>>;

/** Starts a Labdeck process that applies `ops` with a rollback timer; resolves with the process. */
function labdeckApplying(ops: unknown[]): ChildProcess {
  const input = JSON.stringify({ hostId, ops, rollbackSeconds: ROLLBACK_SECONDS });
  // `node --import tsx`, not the tsx CLI: the CLI runs the script in a grandchild that a
  // SIGKILL of the CLI would leave running, and the kill must hit Labdeck itself.
  const child = spawn(process.execPath, ["--import", "tsx", "server/test-support/labdeck-child.ts", "network-change", input], {
    env: { ...process.env, LABDECK_DATA_DIR: dataDir, DATABASE_URL: `file:${path.join(dataDir, "labdeck.db")}`, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return child;
}

function sigkill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

async function filterRules(): Promise<string> {
  const r = await lab.execInNs(["iptables-save", "-t", "filter"]);
  return r.stdout
    .split("\n")
    .filter((l) => l.startsWith("-A"))
    .join("\n");
}

const rule = (comment: string) => ({
  op: "rule.append",
  table: "filter",
  chain: "FORWARD",
  rule: { protocol: "tcp", destinationPort: 2323, comment, target: { kind: "REJECT" } },
});

async function latestChange() {
  return s.db.networkChange.findFirstOrThrow({ where: { hostId }, orderBy: { createdAt: "desc" } });
}

/** What the host's network page shows for its latest change, read as a page read reads it. */
async function shownState(): Promise<string | null> {
  return (await s.rollback.pendingChange(s.deps, hostId))?.state ?? null;
}

describe.skipIf(!support.ok)(`Labdeck killed during a network change${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  beforeAll(async () => {
    dataDir = await useTempDataDir();
    const { startLabHost } = await import("../../../scripts/lab-host");
    lab = await startLabHost();
    // A fresh namespace has no filter table until something touches it; a real host has one.
    expect((await lab.execInNs(["iptables", "-P", "FORWARD", "ACCEPT"])).code).toBe(0);
    s = await load();
    const { addPinnedLabHost } = await import("../../test-support/inventory-host");
    hostId = await addPinnedLabHost(s.deps, lab, "killed-host");
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await s?.rt.ssh.closeAll();
    await lab?.stop();
  });

  it("killed while the change waits for confirmation: the host rolls back; after restart Labdeck says rolled back", async () => {
    const before = await filterRules();
    const child = labdeckApplying([rule("killed-armed")]);
    const out = await new Promise<string>((resolve, reject) => {
      child.stdout?.once("data", (b: Buffer) => resolve(b.toString()));
      child.once("exit", (code) => reject(new Error(`the Labdeck process exited (${code})`)));
    });
    const { changeId } = JSON.parse(out) as { changeId: string };
    await until(
      "the change to be armed",
      async () => ((await s.db.networkChange.findUniqueOrThrow({ where: { id: changeId } })).state === "armed" ? true : undefined),
      30_000,
      100,
    );
    expect(await filterRules()).toContain("killed-armed");
    await sigkill(child);

    // The restarted Labdeck: start-up recovery, then the page's read.
    await s.startup.recoverJobs(s.rt);
    await s.startup.resumeHostWork(s.rt);
    expect(await shownState()).toBe("armed");
    await until(
      "the host to restore its rules by itself",
      async () => ((await filterRules()) === before ? true : undefined),
      (ROLLBACK_SECONDS + 10) * 1000,
    );
    const shown = await until(
      "the page to show the rollback",
      async () => {
        const st = await shownState();
        return st === "rolled-back" ? st : undefined;
      },
      10_000,
    );
    expect(shown).toBe("rolled-back");
    expect(await latestChange()).toMatchObject({ id: changeId, state: "rolled-back", decidedBy: "host (timer)" });
    const refused = await errorOf(s.rollback.confirmChange(s.deps, { changeId }));
    expect(refused.code).toBe("CONFLICT");
    expect(await filterRules()).toBe(before);
  }, 90_000);

  it("killed mid-job, right after the host armed its timer: after restart neither applying nor confirmed, and rolled back at the deadline", async () => {
    const before = await filterRules();
    const child = labdeckApplying([rule("killed-mid-job")]);
    // The change's directory is on the host; the namespace shares this machine's files, so the
    // timer's deadline file can be watched without going through Labdeck at all.
    const deadlineFile = await until(
      "the host to arm its timer",
      async () => {
        const change = await s.db.networkChange.findFirst({ where: { hostId, state: { in: ["applying", "armed"] } } });
        const file = change ? path.join(change.workDir, "deadline") : null;
        return file && existsSync(file) ? file : undefined;
      },
      30_000,
      10,
    );
    await sigkill(child);
    const change = await latestChange();
    expect(deadlineFile.startsWith(change.workDir)).toBe(true);

    await s.startup.recoverJobs(s.rt);
    const job = await s.db.job.findUniqueOrThrow({ where: { id: change.jobId ?? "" } });
    // Either the kill came before the job's end (unknown) or just after (succeeded); never running.
    expect(["unknown", "succeeded"]).toContain(job.status);
    await s.startup.resumeHostWork(s.rt);
    const afterRestart = await latestChange();
    expect(afterRestart.state).toBe("armed");
    expect(afterRestart.deadline).not.toBeNull();
    expect(await shownState()).toBe("armed");

    // The kill may have come before or after the rule itself was added: the timer undoes either.
    const shown = await until(
      "the page to show the rollback",
      async () => {
        const st = await shownState();
        return st === "rolled-back" ? st : undefined;
      },
      (ROLLBACK_SECONDS + 10) * 1000,
    );
    expect(shown).toBe("rolled-back");
    expect((await latestChange()).state).toBe("rolled-back");
    expect(await filterRules()).toBe(before);
  }, 90_000);

  it("the connection drops right after the host armed its timer: the change is not called failed, and ends rolled back", async () => {
    const before = await filterRules();
    const { runChange } = await import("./network-change");
    const res = await runChange(s.deps, { hostId, ops: [rule("dropped-mid-job")] as never, rollbackSeconds: ROLLBACK_SECONDS });
    const change = await s.db.networkChange.findUniqueOrThrow({ where: { id: res.changeId ?? "" } });
    await until(
      "the host to arm its timer",
      async () => (existsSync(path.join(change.workDir, "deadline")) ? true : undefined),
      30_000,
      10,
    );
    await lab.dropConnections();
    await s.rt.jobs.idle();
    const job = await s.db.job.findUniqueOrThrow({ where: { id: res.jobId ?? "" } });
    // Lost mid-step (unknown), or between steps and the job went on over a new connection.
    expect(["unknown", "succeeded"]).toContain(job.status);
    const states = new Set<string>();
    const shown = await until(
      "the page to show the rollback",
      async () => {
        const st = await shownState();
        if (st) states.add(st);
        return st === "rolled-back" ? st : undefined;
      },
      (ROLLBACK_SECONDS + 10) * 1000,
    );
    expect(shown).toBe("rolled-back");
    expect([...states].filter((x) => !["applying", "armed", "rolled-back"].includes(x))).toEqual([]);
    expect(await filterRules()).toBe(before);
  }, 90_000);

  it("the host loses its timer (a restart) while the change is armed: past the deadline Labdeck says so, never armed for ever", async () => {
    const { runChange } = await import("./network-change");
    const started = await runChange(s.deps, { hostId, ops: [rule("timer-lost")], rollbackSeconds: 6 } as Parameters<typeof runChange>[1]);
    const changeId = started.changeId ?? "";
    expect(changeId).not.toBe("");
    await until(
      "the change to be armed",
      async () => ((await s.db.networkChange.findUniqueOrThrow({ where: { id: changeId } })).state === "armed" ? true : undefined),
      30_000,
      100,
    );
    const { workDir } = await s.db.networkChange.findUniqueOrThrow({ where: { id: changeId } });
    // What a reboot does to the timer: its process is gone. The namespace shares this machine's files.
    const pid = (await lab.execInNs(["cat", `${workDir}/timer.pid`])).stdout.trim();
    expect(pid).toMatch(/^\d+$/);
    expect((await lab.execInNs(["kill", "-9", pid])).code).toBe(0);
    const shown = await until(
      "the page to say the timer is gone",
      async () => {
        const st = await shownState();
        return st === "timer-lost" ? st : undefined;
      },
      30_000,
      500,
    );
    expect(shown).toBe("timer-lost");
    expect(await latestChange()).toMatchObject({ id: changeId, state: "timer-lost" });
    // Nothing rolled it back: the rule is still there.
    expect(await filterRules()).toContain("timer-lost");
  }, 90_000);
});
