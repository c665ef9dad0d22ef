import { describe, expect, it } from "vitest";
import { BOOT_MARK_PREFIX, bootMarkLine, gapLine } from "./console-marks";

describe("console marks", () => {
  it("writes a dim boot line of its own, with nothing from the message able to act on the terminal", () => {
    const line = bootMarkLine({ id: "b", at: "2026-12-02T08:01:02.000Z", by: "alice\x1b]52;c;x\x07", earlier: false });
    expect(line.startsWith("\r\n\x1b[0m\x1b[2m")).toBe(true);
    expect(line).toContain(BOOT_MARK_PREFIX);
    expect(line).toContain("by alice]52;c;x ──");
    expect(line.replace(/\x1b\[[0-9]*m/g, "")).not.toMatch(/[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]/);
    expect(bootMarkLine({ id: "b", at: "x", by: "a", earlier: true })).toContain("boot ? began before this scrollback");
  });

  it("says how much was skipped", () => {
    expect(gapLine(1234)).toContain("1234 bytes of output not shown");
    expect(gapLine(null)).toContain("log was replaced");
  });
});
