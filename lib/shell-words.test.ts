import { describe, expect, it } from "vitest";
import { shellLine } from "./shell-words";

describe("shellLine", () => {
  it("leaves plain words bare and single-quotes the rest like server/ssh/quote.ts", () => {
    expect(shellLine(["mkdir", "--", "/var/lib/labdeck/scratch/exp-1"])).toBe("mkdir -- /var/lib/labdeck/scratch/exp-1");
    expect(shellLine(["find", "/x", "-printf", "%f\\n"])).toBe("find /x -printf '%f\\n'");
    expect(shellLine(["echo", "it's", ""])).toBe(`echo 'it'\\''s' ''`);
  });
});
