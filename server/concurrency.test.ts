import { describe, expect, it } from "vitest";
import { mapLimit } from "./concurrency";

describe("mapLimit", () => {
  it("never runs more than the limit at once and keeps the items' order", async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit(
      Array.from({ length: 50 }, (_, i) => i),
      4,
      async (n) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, (n * 7) % 5));
        inFlight--;
        return n * 2;
      },
    );
    expect(most).toBe(4);
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
  });

  it("rejects when one item fails, and handles an empty list", async () => {
    await expect(
      mapLimit([1, 2, 3], 2, async (n) => {
        if (n === 2) throw new Error("boom");
        return n;
      }),
    ).rejects.toThrow("boom");
    expect(await mapLimit([], 3, async () => 1)).toEqual([]);
    await expect(mapLimit([1], 0, async () => 1)).rejects.toThrow(/positive/);
  });
});
