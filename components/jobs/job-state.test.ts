import { describe, expect, it } from "vitest";
import type { JobEvent } from "../api-types";
import { EMPTY_JOB_STATE, applyJobEvents } from "./job-state";

const at = 1_700_000_000_000;

describe("applyJobEvents", () => {
  it("builds steps with joined output, notes in order, and the final status", () => {
    const events: JobEvent[] = [
      { type: "status", status: "running", at },
      { type: "step-start", index: 0, argv: ["mkdir", "-p", "--", "/x"], purpose: "root", undo: false, at },
      { type: "output", index: 0, stream: "stdout", text: "a" },
      { type: "output", index: 0, stream: "stdout", text: "b" },
      { type: "output", index: 0, stream: "stderr", text: "oops" },
      { type: "step-end", index: 0, outcome: "exited", exitStatus: 1, durationMs: 12 },
      { type: "note", text: "undoing 0 completed step(s)", at },
      { type: "status", status: "failed", error: "step 1 failed", failedStep: 0, at },
    ];
    const s = applyJobEvents(EMPTY_JOB_STATE, events, null);
    expect(s.status).toBe("failed");
    expect(s.error).toBe("step 1 failed");
    expect(s.failedStep).toBe(0);
    expect(s.steps[0]?.output).toEqual([
      { stream: "stdout", text: "ab" },
      { stream: "stderr", text: "oops" },
    ]);
    expect(s.steps[0]?.end).toMatchObject({ outcome: "exited", exitStatus: 1 });
    expect(s.timeline.map((t) => t.kind)).toEqual(["step", "note"]);
  });

  it("ignores output for a step it never saw start and takes the snapshot's status", () => {
    const s = applyJobEvents(EMPTY_JOB_STATE, [{ type: "output", index: 3, stream: "stdout", text: "x" }], "queued");
    expect(s.steps).toEqual({});
    expect(s.status).toBe("queued");
  });

  it("keeps a later live status over nothing, and a connection-lost end as not exited", () => {
    let s = applyJobEvents(EMPTY_JOB_STATE, [{ type: "step-start", index: 0, argv: ["true"], purpose: "p", undo: false, at }], "running");
    s = applyJobEvents(s, [{ type: "step-end", index: 0, outcome: "connection-lost", exitStatus: null, durationMs: 5 }], null);
    s = applyJobEvents(s, [{ type: "status", status: "unknown", error: "connection lost", at }], "unknown");
    expect(s.status).toBe("unknown");
    expect(s.steps[0]?.end?.outcome).toBe("connection-lost");
  });
});

describe("a finished job", () => {
  it("never shows a step as running: an open step takes the job's end", () => {
    const started: JobEvent[] = [
      { type: "status", status: "running", at },
      { type: "step-start", index: 0, argv: ["find", "/usr/bin"], purpose: "find tools", undo: false, at, timeoutMs: 45_000 },
      { type: "step-start", index: 1, argv: ["cat", "/proc/cpuinfo"], purpose: "cpus", undo: false, at },
    ];
    const failed = applyJobEvents(
      EMPTY_JOB_STATE,
      [
        ...started,
        { type: "step-end", index: 1, outcome: "timeout", exitStatus: null, durationMs: 20_000 },
        { type: "status", status: "failed", failedStep: 1, at },
      ],
      null,
    );
    expect(failed.steps[0]?.timeoutMs).toBe(45_000);
    expect(failed.steps[0]?.end).toMatchObject({ outcome: "unknown", exitStatus: null });
    expect(failed.steps[1]?.end?.outcome).toBe("timeout");
    const cancelled = applyJobEvents(EMPTY_JOB_STATE, [...started, { type: "status", status: "cancelled", at }], null);
    expect(Object.values(cancelled.steps).map((s) => s.end?.outcome)).toEqual(["cancelled", "cancelled"]);
    expect(applyJobEvents(EMPTY_JOB_STATE, started, null).steps[0]?.end).toBeNull();
  });
});

describe("step output on the page", () => {
  it("keeps a bounded tail of a huge live output and says how much went", async () => {
    const { SHOWN_OUTPUT_CHARS } = await import("./job-state");
    const chunk = "x".repeat(64 * 1024);
    const events: JobEvent[] = [{ type: "step-start", index: 0, argv: ["yes"], purpose: "p", undo: false, at }];
    for (let i = 0; i < 64; i++) events.push({ type: "output", index: 0, stream: "stdout", text: chunk });
    const s = applyJobEvents(EMPTY_JOB_STATE, events, null);
    const out = s.steps[0]?.output ?? [];
    const shown = out.filter((c) => c.stream !== "dropped").reduce((n, c) => n + c.text.length, 0);
    expect(shown).toBeLessThanOrEqual(SHOWN_OUTPUT_CHARS * 1.25);
    expect(out[0]?.stream).toBe("dropped");
    expect(Number(/\d+/.exec(out[0]?.text ?? "")?.[0])).toBe(64 * chunk.length - shown);
  });

  it("shows the transcript's marker where the server left output out", () => {
    const events: JobEvent[] = [
      { type: "step-start", index: 0, argv: ["yes"], purpose: "p", undo: false, at },
      { type: "output", index: 0, stream: "stdout", text: "head" },
      { type: "output-dropped", index: 0, bytes: 12345 },
      { type: "output", index: 0, stream: "stdout", text: "tail" },
    ];
    const out = applyJobEvents(EMPTY_JOB_STATE, events, null).steps[0]?.output ?? [];
    expect(out.map((c) => c.stream)).toEqual(["stdout", "dropped", "stdout"]);
    expect(out[1]?.text).toContain("12345 bytes");
  });
});
