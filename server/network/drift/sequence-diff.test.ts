import { describe, expect, it } from "vitest";
import { diffSequences, type SequenceEdit } from "./sequence-diff";

/** Applies the edits to `a` and checks it gives `b`: every edit script must be a real one. */
function apply(a: string[], b: string[], edits: SequenceEdit[]): string[] {
  return edits.flatMap((e) => (e.op === "keep" ? [a[e.a] as string] : e.op === "added" ? [b[e.b] as string] : []));
}

describe("diffSequences", () => {
  it("an insertion at the top is one added entry", () => {
    const a = ["A", "B", "C"];
    const b = ["X", "A", "B", "C"];
    const edits = diffSequences(a, b);
    expect(edits.filter((e) => e.op !== "keep")).toEqual([{ op: "added", b: 0 }]);
    expect(apply(a, b, edits)).toEqual(b);
  });

  it("finds the longest common part in the middle", () => {
    const a = ["A", "B", "C", "D", "E", "F"];
    const b = ["A", "C", "X", "D", "F", "Y"];
    const edits = diffSequences(a, b);
    expect(edits.filter((e) => e.op === "keep").length).toBe(4);
    expect(edits.filter((e) => e.op === "removed")).toEqual([
      { op: "removed", a: 1 },
      { op: "removed", a: 4 },
    ]);
    expect(apply(a, b, edits)).toEqual(b);
  });

  it("handles duplicates, empty sides and a move", () => {
    for (const [a, b] of [
      [[], ["A"]],
      [["A"], []],
      [
        ["A", "A", "B"],
        ["A", "B", "A"],
      ],
      [
        ["A", "B"],
        ["B", "A"],
      ],
    ] as [string[], string[]][]) {
      expect(apply(a, b, diffSequences(a, b))).toEqual(b);
    }
  });
});
