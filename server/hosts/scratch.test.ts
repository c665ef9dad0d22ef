import { describe, expect, it } from "vitest";
import { planCreateScratch, planRemoveScratch, parseScratchList } from "./scratch";
import { LabdeckError } from "../errors";

describe("scratch plans", () => {
  it("creates under the run directory with an undo", () => {
    const plan = planCreateScratch({ runDir: "/var/lib/labdeck", name: "exp-1" });
    expect(plan.steps.map((s) => s.argv)).toEqual([
      ["mkdir", "-p", "--", "/var/lib/labdeck/scratch"],
      ["mkdir", "--", "/var/lib/labdeck/scratch/exp-1"],
    ]);
    expect(plan.steps[1]?.undo).toEqual(["rmdir", "--", "/var/lib/labdeck/scratch/exp-1"]);
  });

  it.each(["..", "../etc", "a/b", "-rf", "", "x y", "a;rm"])("refuses the name %j naming the field", (name) => {
    expect(() => planRemoveScratch({ runDir: "/var/lib/labdeck", name })).toThrow(LabdeckError);
    try {
      planRemoveScratch({ runDir: "/var/lib/labdeck", name });
    } catch (err) {
      expect((err as LabdeckError).field).toBe("name");
    }
  });

  it("refuses a relative or dotted run directory", () => {
    expect(() => planCreateScratch({ runDir: "var/lib", name: "a" })).toThrow(/runDir/);
    expect(() => planCreateScratch({ runDir: "/var/../etc", name: "a" })).toThrow(/runDir/);
  });

  it("parses find output and drops odd lines", () => {
    expect(parseScratchList("b\na\n\n../x\n")).toEqual(["a", "b"]);
  });
});
