import { describe, expect, it } from "vitest";
import { relativeTime } from "./time";

describe("relativeTime", () => {
  const now = Date.UTC(2026, 11, 1, 12, 0, 0);
  it("says how long ago a past event was", () => {
    expect(relativeTime(new Date(now - 5_000), now)).toBe("5 seconds ago");
    expect(relativeTime(new Date(now - 3 * 60_000), now)).toBe("3 minutes ago");
  });

  it("never puts a past event in the future when the clocks are a little apart", () => {
    expect(relativeTime(new Date(now + 9_000), now)).toBe("now");
    expect(relativeTime(new Date(now + 400), now)).toBe("now");
  });
});
