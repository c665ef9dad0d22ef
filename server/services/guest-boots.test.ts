import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db";
import type { JobContext, JobHandler, StepSpec } from "../jobs/job-runner";
import type { ExecResult } from "../ssh/types";
import { serialLogBootArgv } from "../hypervisors/console-log/serial-log-boot";
import { useTempDataDir } from "../test-support/temp-data";
import type { GuestBoots as GuestBootsT, withBootRecording as WithT } from "./guest-boots";

// The start job's boot recording on a real SQLite file: the boot-mark step's output becomes a
// GuestBoot row and a boot event BEFORE the next step (QEMU) runs; QEMU's success wakes the console.

let db: Db;
let GuestBoots: typeof GuestBootsT;
let withBootRecording: typeof WithT;
let guestId = "";
let jobId = "";

beforeAll(async () => {
  await useTempDataDir();
  ({ db } = await import("../db"));
  ({ GuestBoots, withBootRecording } = await import("./guest-boots"));
  const host = await db.host.create({
    data: { name: "h1", address: "192.0.2.1", username: "root", sealedPrivateKey: "x", publicKey: "x" },
  });
  guestId = (await db.guest.create({ data: { hostId: host.id, name: "g1", definitionJson: "{}", createdBy: "alice" } })).id;
  jobId = (
    await db.job.create({
      data: { hostId: host.id, kind: "guest-start", title: "Start g1", planJson: "{}", status: "running", createdBy: "alice" },
    })
  ).id;
});

const ok = (stdout = ""): ExecResult => ({ outcome: "exited", exitStatus: 0, exitSignal: null, stdout, stderr: "", durationMs: 1 });
const steps: StepSpec[] = [
  { argv: ["sh", "-c", "rotate", "sh", "/r/serial.log"], purpose: "rotate" },
  { argv: serialLogBootArgv("/r/serial.log"), purpose: "mark" },
  { argv: ["qemu-system-x86_64", "-daemonize"], purpose: "qemu" },
];
const runAll: JobHandler = async (ctx) => {
  for (const s of steps) await ctx.runStep(s);
};

function context(log: string[], bootOut: ExecResult): JobContext {
  return {
    jobId,
    hostId: "h",
    signal: new AbortController().signal,
    note: (t) => log.push(`note:${t}`),
    runBatch: async () => {
      throw new Error("a start runs no read batch");
    },
    runStep: async (s) => {
      log.push(`step:${s.purpose}`);
      return s.purpose === "mark" ? bootOut : ok();
    },
  };
}

describe("withBootRecording", () => {
  it("records the boot and tells the console before QEMU runs, and wakes it after", async () => {
    const boots = new GuestBoots(db);
    const log: string[] = [];
    boots.onBoot((e) => log.push(`boot:${e.guestId === guestId}:${e.mark.inode}:${e.mark.offset}:${e.mark.by}:${e.rotated?.inode}`));
    boots.onStarted((id) => log.push(`started:${id === guestId}`));
    await withBootRecording(runAll, { db, boots })(context(log, ok("12 345 11 999\n")), { guestId });
    expect(log).toEqual(["step:rotate", "step:mark", "boot:true:12:345:alice:11", "step:qemu", "started:true"]);
    const rows = await db.guestBoot.findMany({ where: { guestId } });
    expect(rows).toMatchObject([{ jobId, startedBy: "alice", logInode: "12", logOffset: 345n }]);
    expect(await boots.list(guestId)).toEqual([
      { id: rows[0]!.id, inode: "12", offset: 345, at: rows[0]!.startedAt.toISOString(), by: "alice" },
    ]);
  });

  it("a boot step that printed something else records nothing, says so, and still starts the guest", async () => {
    const boots = new GuestBoots(db);
    const log: string[] = [];
    boots.onBoot(() => log.push("boot"));
    await withBootRecording(runAll, { db, boots })(context(log, ok("garbage from a host\n")), { guestId });
    expect(log).toEqual([
      "step:rotate",
      "step:mark",
      expect.stringMatching(/^note:the serial log's boot offset could not be recorded/),
      "step:qemu",
    ]);
    expect(await db.guestBoot.count({ where: { guestId } })).toBe(1);
  });
});
