import { describe, expect, it } from "vitest";
import type { BootMark } from "./console-boots";
import { gapBytes, interleave, OffsetRing, planReplay, type StreamItem } from "./console-stream";

const mark = (id: string, offset: number, inode = "7"): BootMark => ({ id, inode, offset, at: "2026-12-02T08:01:02.000Z", by: "alice" });
const show = (items: StreamItem[]) => items.map((i) => (i.kind === "data" ? i.bytes.toString() : `[${i.mark.id}@${i.mark.offset}]`));

function ring(inode: string, start: number, text: string, capacity = 64) {
  const r = new OffsetRing(capacity);
  r.reset({ inode, offset: start });
  r.append(Buffer.from(text));
  return r;
}

describe("OffsetRing", () => {
  it("knows the offset of every byte it holds, also after it wrapped", () => {
    const r = ring("7", 100, "abcdef", 4);
    expect([r.start, r.end]).toEqual([102, 106]);
    expect(r.bytesFrom(103)?.toString()).toBe("def");
    expect(r.bytesFrom(106)?.toString()).toBe("");
    expect(r.bytesFrom(101)).toBeNull();
    expect(r.bytesFrom(107)).toBeNull();
  });
});

describe("interleave", () => {
  it("places a boot whose offset falls inside a chunk between the bytes before and at it", () => {
    expect(show(interleave(10, Buffer.from("old$ new"), [mark("b", 15)]))).toEqual(["old$ ", "[b@15]", "new"]);
  });

  it("puts a mark at the chunk's start first and one at its end last, in offset order", () => {
    expect(show(interleave(10, Buffer.from("abc"), [mark("end", 13), mark("start", 10)]))).toEqual(["[start@10]", "abc", "[end@13]"]);
    expect(show(interleave(10, Buffer.from("abc"), [mark("later", 14)]))).toEqual(["abc"]);
    expect(show(interleave(10, Buffer.alloc(0), [mark("now", 10)]))).toEqual(["[now@10]"]);
  });
});

describe("planReplay", () => {
  const r = ring("7", 100, "boot1...boot2...");
  const marks = [mark("a", 40), mark("b", 100), mark("c", 108), mark("x", 10, "6")];

  it("gives a fresh viewer the scrollback with the boots in it and the boot the scrollback began in", () => {
    const p = planReplay(r, [mark("a", 40), mark("c", 108)], null);
    expect(p).toMatchObject({ from: { inode: "7", offset: 100 }, resumed: false, earlier: { id: "a" } });
    expect(p.gap).toBeUndefined();
    expect(show(p.items)).toEqual(["boot1...", "[c@108]", "boot2..."]);
  });

  it("resumes exactly after the last byte a viewer showed, without a boot it already has", () => {
    const p = planReplay(r, marks, { inode: "7", offset: 104, lastBootId: "b" });
    expect(p).toMatchObject({ from: { inode: "7", offset: 104 }, resumed: true, earlier: null });
    expect(show(p.items)).toEqual(["1...", "[c@108]", "boot2..."]);
    // Dropped right at a boot's offset, before the mark arrived: it gets the mark first.
    expect(show(planReplay(r, marks, { inode: "7", offset: 108, lastBootId: "b" }).items)).toEqual(["[c@108]", "boot2..."]);
    expect(show(planReplay(r, marks, { inode: "7", offset: 108, lastBootId: "c" }).items)).toEqual(["boot2..."]);
    expect(show(planReplay(r, marks, { inode: "7", offset: 116, lastBootId: "c" }).items)).toEqual([]);
  });

  it("tells two boots at one offset apart by id", () => {
    const twice = [mark("p", 116), mark("q", 116)];
    expect(show(planReplay(r, twice, { inode: "7", offset: 116, lastBootId: "p" }).items)).toEqual(["[q@116]"]);
    expect(show(planReplay(r, twice, { inode: "7", offset: 116, lastBootId: null }).items)).toEqual(["[p@116]", "[q@116]"]);
  });

  it("reports a gap when the bytes are gone: counted in the same log, or through the rotated one", () => {
    const far = planReplay(r, marks, { inode: "7", offset: 60, lastBootId: null });
    expect(far).toMatchObject({ from: { offset: 100 }, resumed: false, gap: 40 });
    expect(show(far.items)[0]).toBe("[b@100]");
    expect(planReplay(r, marks, { inode: "6", offset: 10, lastBootId: "x" }, { inode: "6", size: 30 }).gap).toBe(120);
    expect(planReplay(r, marks, { inode: "5", offset: 10, lastBootId: null }).gap).toBeNull();
    expect(gapBytes({ inode: "7", offset: 200 }, { inode: "7", offset: 100 }, null)).toBeNull();
  });
});
