import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabHost } from "../../scripts/lab-host";
import { useTempDataDir } from "../test-support/temp-data";
import type { JobBusMessage } from "./job-bus";

// A step that prints far more than a transcript keeps, on a real host (sshd in a network
// namespace): watchers get every byte live, while the job's in-memory and persisted
// transcripts keep the step's head and tail and a marker with the count of bytes left out.

const actor = { userId: null, username: "tester" };
let lab: LabHost;
let hostId: string;
let s: Awaited<ReturnType<typeof loadServices>>;

async function loadServices() {
  const { db } = await import("../db");
  const { runtime } = await import("../test-support/runtime");
  const { parseTranscript } = await import("./job-events");
  const cap = await import("./output-cap");
  const rt = runtime();
  return { db, rt, parseTranscript, jobBus: rt.jobs.bus, cap };
}

beforeAll(async () => {
  await useTempDataDir();
  const { startLabHost } = await import("../../scripts/lab-host");
  lab = await startLabHost();
  s = await loadServices();
  const { addPinnedLabHost } = await import("../test-support/inventory-host");
  hostId = await addPinnedLabHost({ db: s.db, ssh: s.rt.ssh, secret: s.rt.secret, actor }, lab, "lab-out");
});

afterAll(async () => {
  await s?.rt.ssh.closeAll();
  await lab?.stop();
});

const storedBytes = (events: readonly { type: string; text?: string }[]) =>
  events.reduce((n, e) => n + (e.type === "output" ? Buffer.byteLength(e.text ?? "") : 0), 0);

describe("job output bounds", () => {
  it("streams 50 MiB live to a watcher but stores only head, marker and tail", async () => {
    const N = 6_700_000; // `seq 1 N` prints about 50 MiB, numbered so order and ends can be checked
    let total = 0;
    for (let d = 1, from = 1; from <= N; d++, from *= 10) total += (Math.min(N, from * 10 - 1) - from + 1) * (d + 1);
    expect(total).toBeGreaterThan(50 * 1024 * 1024);

    const title = "print a lot";
    const steps = [
      { argv: ["seq", "1", String(N)], purpose: "print ~50 MiB" },
      { argv: ["echo", "after"], purpose: "a later step" },
    ];
    const job = await s.db.job.create({
      data: { hostId, kind: "plan", title, planJson: JSON.stringify({ title, steps }), status: "queued", createdBy: actor.username },
    });

    let liveBytes = 0;
    let head = "";
    let tail = "";
    let maxStored = 0;
    let messages = 0;
    const onMessage = (msg: JobBusMessage) => {
      if (msg.event.type !== "output" || msg.event.index !== 0) return;
      liveBytes += Buffer.byteLength(msg.event.text);
      if (head.length < 64) head += msg.event.text.slice(0, 64);
      tail = (tail + msg.event.text).slice(-64);
      // What a late watcher would be replayed, sampled while the step runs.
      if (++messages % 50 === 0) maxStored = Math.max(maxStored, storedBytes(s.rt.jobs.liveEvents(job.id) ?? []));
    };
    s.jobBus.on(`job:${job.id}`, onMessage);
    try {
      s.rt.jobs.enqueue(job.id);
      await s.rt.jobs.idle();
    } finally {
      s.jobBus.off(`job:${job.id}`, onMessage);
    }

    const done = await s.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(done.status).toBe("succeeded");
    // Every byte went live, in order.
    expect(liveBytes).toBe(total);
    expect(head.startsWith("1\n2\n3\n")).toBe(true);
    expect(tail.endsWith(`${N - 1}\n${N}\n`)).toBe(true);
    expect(messages).toBeGreaterThan(50);
    expect(maxStored).toBeLessThanOrEqual(s.cap.STEP_HEAD_BYTES + s.cap.STEP_TAIL_BYTES);

    // The stored transcript: the head, one marker with the exact count, the tail.
    const events = s.parseTranscript(done.transcript);
    const step0 = events.filter((e) => "index" in e && e.index === 0);
    const outputs = step0.filter((e) => e.type === "output");
    const marker = step0.find((e) => e.type === "output-dropped");
    const kept = storedBytes(outputs);
    expect(marker).toEqual({ type: "output-dropped", index: 0, bytes: total - kept });
    expect(kept).toBeLessThanOrEqual(s.cap.STEP_HEAD_BYTES + s.cap.STEP_TAIL_BYTES);
    expect(kept).toBeGreaterThan(s.cap.STEP_HEAD_BYTES);
    const markerAt = step0.indexOf(marker as (typeof step0)[number]);
    const before = step0
      .slice(0, markerAt)
      .map((e) => (e.type === "output" ? e.text : ""))
      .join("");
    const after = step0
      .slice(markerAt + 1)
      .map((e) => (e.type === "output" ? e.text : ""))
      .join("");
    expect(before.startsWith("1\n2\n3\n")).toBe(true);
    expect(after.endsWith(`${N}\n`)).toBe(true);
    expect(done.transcript.length).toBeLessThan(2 * (s.cap.STEP_HEAD_BYTES + s.cap.STEP_TAIL_BYTES));
    // The next step's output is kept whole.
    expect(events.some((e) => e.type === "output" && e.index === 1 && e.text === "after\n")).toBe(true);

    // The audit row keeps an excerpt, not the output.
    const audit = await s.db.auditEvent.findFirstOrThrow({ where: { jobId: job.id, argvJson: JSON.stringify(steps[0]?.argv) } });
    expect((audit.outputExcerpt ?? "").length).toBeLessThan(64 * 1024);
  }, 180_000);
});
