import { describe, expect, it } from "vitest";
import { LabdeckError } from "../errors";
import { SharedRefresher, type Refreshed } from "./shared-refresher";

// The sharing rule on its own, with a counting read in place of a host (the lab-host
// version is network-live.integration.test.ts): one read per key per interval whatever
// the number of subscribers, none once the last one leaves.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function counting(delayMs = 5) {
  const reads: string[] = [];
  const refresher = new SharedRefresher<number>({
    intervalMs: 40,
    read: async (key) => {
      reads.push(key);
      await sleep(delayMs);
      return reads.length;
    },
  });
  return { reads, refresher };
}

describe("SharedRefresher", () => {
  it("reads a key once per interval for any number of subscribers, and not at all once they leave", async () => {
    const { reads, refresher } = counting();
    const got: Refreshed<number>[][] = [[], [], []];
    const leave = got.map((list) => refresher.subscribe("h1", (r) => list.push(r)));
    const started = Date.now();
    await sleep(300);
    const elapsed = Date.now() - started;
    for (const l of leave) l();
    await refresher.idle();
    const n = reads.length;
    expect(n).toBeGreaterThanOrEqual(3);
    expect(n).toBeLessThanOrEqual(Math.floor(elapsed / 40) + 1);
    expect(got.map((g) => g.length)).toEqual([n, n, n]);
    expect(got[1]).toEqual(got[0]);
    await sleep(150);
    expect(reads.length).toBe(n);
    expect(refresher.subscribers("h1")).toBe(0);
  });

  it("does not read at once for the first subscriber, and hands a late one the last result without a read", async () => {
    const { reads, refresher } = counting();
    const first: Refreshed<number>[] = [];
    const leave1 = refresher.subscribe("h1", (r) => first.push(r));
    expect(reads).toEqual([]);
    await sleep(60);
    await refresher.idle();
    expect(reads).toHaveLength(1);
    const late: Refreshed<number>[] = [];
    const leave2 = refresher.subscribe("h1", (r) => late.push(r));
    expect(late).toEqual([first[0]]);
    expect(reads).toHaveLength(1);
    leave1();
    leave2();
  });

  it("keeps keys apart, and folds changes announced during a read into one more read", async () => {
    const { reads, refresher } = counting(30);
    const leaveA = refresher.subscribe("a", () => undefined);
    const leaveB = refresher.subscribe("b", () => undefined);
    refresher.refreshNow("a");
    refresher.refreshNow("a");
    refresher.refreshNow("a");
    refresher.refreshNow("nobody-watches");
    await sleep(45);
    leaveA();
    leaveB();
    await refresher.idle();
    expect(reads.filter((k) => k === "a")).toEqual(["a", "a"]);
    expect(reads.filter((k) => k === "b").length).toBeLessThanOrEqual(1);
    expect(reads).not.toContain("nobody-watches");
  });

  it("hands a failed read to every subscriber with its error code", async () => {
    const refresher = new SharedRefresher<number>({
      intervalMs: 10,
      read: async () => {
        throw new LabdeckError("SSH_UNREACHABLE", "host down");
      },
    });
    const got: Refreshed<number>[] = [];
    const leave = refresher.subscribe("h", (r) => got.push(r));
    await sleep(40);
    leave();
    await refresher.idle();
    expect(got[0]).toMatchObject({ key: "h", ok: false, error: "host down", code: "SSH_UNREACHABLE" });
  });
});
