import { describe, expect, it } from "vitest";
import { JobOutputBudget, StepOutput, utf8Boundary, type OutputSinks, type OutputStream } from "./output-cap";

type Rec = { kind: "publish" | "live" | "store" | "dropped"; stream?: OutputStream; text?: string; bytes?: number };

function recorder(): { sinks: OutputSinks; log: Rec[] } {
  const log: Rec[] = [];
  return {
    log,
    sinks: {
      publish: (stream, text) => log.push({ kind: "publish", stream, text }),
      publishLive: (stream, text) => log.push({ kind: "live", stream, text }),
      store: (stream, text) => log.push({ kind: "store", stream, text }),
      dropped: (bytes) => log.push({ kind: "dropped", bytes }),
    },
  };
}

const live = (log: Rec[]) =>
  log
    .filter((r) => r.kind === "publish" || r.kind === "live")
    .map((r) => r.text)
    .join("");
const stored = (log: Rec[]) => log.filter((r) => r.kind === "publish" || r.kind === "store" || r.kind === "dropped");

describe("StepOutput", () => {
  it("stores small output whole, once, and drops nothing", () => {
    const { sinks, log } = recorder();
    const out = new StepOutput(new JobOutputBudget(1000), sinks, { headBytes: 100, tailBytes: 100 });
    out.push("stdout", Buffer.from("hello\n"));
    out.push("stderr", Buffer.from("warn\n"));
    out.end();
    expect(log).toEqual([
      { kind: "publish", stream: "stdout", text: "hello\n" },
      { kind: "publish", stream: "stderr", text: "warn\n" },
    ]);
  });

  it("publishes every byte live, but stores head, marker and tail only", () => {
    const { sinks, log } = recorder();
    const out = new StepOutput(new JobOutputBudget(10_000), sinks, { headBytes: 10, tailBytes: 8 });
    const all = Array.from({ length: 100 }, (_, i) => `${String(i).padStart(3, "0")},`).join("");
    for (let i = 0; i < all.length; i += 7) out.push("stdout", Buffer.from(all.slice(i, i + 7)));
    out.end();
    expect(live(log)).toBe(all);
    const kept = stored(log);
    expect(kept[0]).toEqual({ kind: "publish", stream: "stdout", text: all.slice(0, 7) });
    expect(kept[1]).toEqual({ kind: "publish", stream: "stdout", text: all.slice(7, 10) });
    expect(kept[2]).toEqual({ kind: "dropped", bytes: all.length - 18 });
    expect(kept[3]).toEqual({ kind: "store", stream: "stdout", text: all.slice(-8) });
    expect(kept).toHaveLength(4);
  });

  it("keeps the streams of the tail apart and in order", () => {
    const { sinks, log } = recorder();
    const out = new StepOutput(new JobOutputBudget(10_000), sinks, { headBytes: 0, tailBytes: 6 });
    out.push("stdout", Buffer.from("aaaa"));
    out.push("stderr", Buffer.from("bb"));
    out.push("stdout", Buffer.from("cc"));
    out.end();
    expect(stored(log)).toEqual([
      { kind: "dropped", bytes: 2 },
      { kind: "store", stream: "stdout", text: "aa" },
      { kind: "store", stream: "stderr", text: "bb" },
      { kind: "store", stream: "stdout", text: "cc" },
    ]);
  });

  it("never cuts a UTF-8 character in the stored head or tail", () => {
    const { sinks, log } = recorder();
    const out = new StepOutput(new JobOutputBudget(10_000), sinks, { headBytes: 5, tailBytes: 5 });
    const text = "ééééééééé"; // 2 bytes each
    out.push("stdout", Buffer.from(text));
    out.end();
    expect(live(log)).toBe(text);
    for (const r of stored(log)) if (r.text !== undefined) expect(r.text).not.toContain("\ufffd");
    expect(utf8Boundary(Buffer.from("aé"), 2)).toBe(1);
  });

  it("shares one allowance across a job's steps and gives back what a step did not use", () => {
    const budget = new JobOutputBudget(30);
    const a = recorder();
    const first = new StepOutput(budget, a.sinks, { headBytes: 10, tailBytes: 10 });
    first.push("stdout", Buffer.from("x".repeat(100)));
    first.end();
    expect(budget.remaining).toBe(10);
    const b = recorder();
    const second = new StepOutput(budget, b.sinks, { headBytes: 10, tailBytes: 10 });
    second.push("stdout", Buffer.from("y".repeat(100)));
    second.end();
    expect(stored(b.log).reduce((n, r) => n + (r.text?.length ?? 0), 0)).toBe(10);
    expect(live(b.log)).toBe("y".repeat(100));
    const c = recorder();
    const third = new StepOutput(budget, c.sinks, { headBytes: 10, tailBytes: 10 });
    third.push("stdout", Buffer.from("z".repeat(5)));
    third.end();
    expect(stored(c.log)).toEqual([{ kind: "dropped", bytes: 5 }]);
    expect(live(c.log)).toBe("zzzzz");
  });
});
