import { describe, expect, it } from "vitest";
import { ChannelGate } from "./channel-gate";

describe("ChannelGate", () => {
  it("grants up to the cap at once and queues the rest in order", async () => {
    const g = new ChannelGate(2);
    expect(await g.acquire()).toBe(true);
    expect(await g.acquire()).toBe(true);
    const order: number[] = [];
    const third = g.acquire().then(() => order.push(3));
    const fourth = g.acquire().then(() => order.push(4));
    expect(g.queued).toBe(2);
    g.release();
    await third;
    g.release();
    await fourth;
    expect(order).toEqual([3, 4]);
    expect(g.inUse).toBe(2);
  });

  it("drops a waiter whose signal aborts, without taking a slot", async () => {
    const g = new ChannelGate(1);
    await g.acquire();
    const ac = new AbortController();
    const waiting = g.acquire(ac.signal);
    ac.abort();
    expect(await waiting).toBe(false);
    expect(g.queued).toBe(0);
    g.release();
    expect(g.inUse).toBe(0);
  });

  it("lowers its limit to the most channels the server had open, never below", async () => {
    const g = new ChannelGate(8);
    g.channelOpened();
    g.learnServerLimit();
    expect(g.limit).toBe(1);
    // Confirmations of channels opened before the refusal arrive later and raise the limit.
    g.channelOpened();
    g.channelOpened();
    expect(g.limit).toBe(3);
    g.channelClosed();
    g.channelClosed();
    // A refusal while the server still counts sessions we already saw close: not a lower limit.
    g.learnServerLimit();
    expect(g.limit).toBe(3);
    g.resetLearnedLimit();
    expect(g.limit).toBe(8);
    g.learnServerLimit();
    expect(g.limit).toBe(1);
  });

  it("refuses a nonsense cap", () => {
    expect(() => new ChannelGate(0)).toThrow();
  });
});
