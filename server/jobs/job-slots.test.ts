import { describe, expect, it } from "vitest";
import { JobSlots } from "./job-slots";

const never = new AbortController().signal;

describe("job slots", () => {
  it("runs at most the limit of a kind at once, the rest in arrival order", async () => {
    const slots = new JobSlots({ probe: 2 });
    const order: number[] = [];
    const releases = await Promise.all([slots.acquire("probe", never), slots.acquire("probe", never)]);
    const later = [3, 4].map((n) => slots.acquire("probe", never).then((r) => (order.push(n), r)));
    expect(slots.stats("probe")).toEqual({ running: 2, waiting: 2 });
    releases[0]?.();
    releases[0]?.(); // a second release of the same slot frees nothing more
    await later[0];
    expect(order).toEqual([3]);
    expect(slots.stats("probe")).toEqual({ running: 2, waiting: 1 });
    releases[1]?.();
    await later[1];
    expect(order).toEqual([3, 4]);
  });

  it("does not hold back kinds without a limit", async () => {
    const slots = new JobSlots({ probe: 1 });
    await slots.acquire("probe", never);
    const release = await slots.acquire("guest-start", never);
    expect(release).toBeTypeOf("function");
    expect(slots.stats("guest-start")).toEqual({ running: 0, waiting: 0 });
  });

  it("lets a job cancelled while waiting leave the queue without taking a slot", async () => {
    const slots = new JobSlots({ probe: 1 });
    const first = await slots.acquire("probe", never);
    const ac = new AbortController();
    const waiting = slots.acquire("probe", ac.signal);
    ac.abort();
    expect(await waiting).toBeNull();
    expect(slots.stats("probe")).toEqual({ running: 1, waiting: 0 });
    first?.();
    expect(slots.stats("probe").running).toBe(0);
    expect(await slots.acquire("probe", ac.signal)).toBeNull();
  });

  it("refuses a limit that is not a positive integer", () => {
    expect(() => new JobSlots({ probe: 0 })).toThrow(/positive integer/);
    expect(() => new JobSlots({ probe: 1.5 })).toThrow(/positive integer/);
  });
});
