import { describe, expect, it } from "vitest";
import { isDbBusy, retryWhileBusy } from "./db-busy";
import { LabdeckError } from "./errors";

// The shape Prisma 6 gives SQLITE_BUSY through @prisma/adapter-better-sqlite3 (seen in
// server/jobs/fault-db-lock.integration.test.ts), and what the retry does with it.
const busy = () =>
  Object.assign(new Error("Operation has timed out"), {
    code: "P1008",
    meta: { driverAdapterError: { name: "DriverAdapterError", cause: { originalCode: "SQLITE_BUSY", kind: "SocketTimeout" } } },
  });

describe("retryWhileBusy", () => {
  it("recognises a locked database and nothing else", () => {
    expect(isDbBusy(busy())).toBe(true);
    expect(isDbBusy(Object.assign(new Error("x"), { code: "P2002" }))).toBe(false);
    expect(isDbBusy(new Error("database is locked"))).toBe(false);
    expect(isDbBusy(null)).toBe(false);
  });

  it("retries a busy write until it lands", async () => {
    let calls = 0;
    const v = await retryWhileBusy("t", async () => {
      if (++calls < 3) throw busy();
      return "written";
    });
    expect([v, calls]).toEqual(["written", 3]);
  });

  it("passes other errors through at once", async () => {
    let calls = 0;
    const err = await retryWhileBusy("t", async () => {
      calls++;
      throw new Error("constraint");
    }).catch((e: unknown) => e);
    expect([(err as Error).message, calls]).toEqual(["constraint", 1]);
  });

  it("gives up after its budget with an error naming what was not recorded", async () => {
    const err = await retryWhileBusy("audit row for x", () => Promise.reject(busy()), { budgetMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabdeckError);
    expect((err as LabdeckError).message).toMatch(/^audit row for x: the database stayed locked .* not recorded$/);
  });
});
