import { describe, expect, it } from "vitest";
import { MAX_STATE_IDS, ZGuestStatesInput, ZGuestIdInput, ZSerialSearchInput } from "./guests.schema";
import { ZAbsPath, ZHostName, ZRecordId } from "../../names";

// Inputs are bounded before anything reads them: counts of ids, lengths of ids and names.
describe("router input bounds", () => {
  it("caps the number and the length of ids a query takes", () => {
    // The list asks for the rows in view; other pages ask in chunks of this size (use-guest-states.ts).
    expect(ZGuestStatesInput.safeParse({ ids: Array.from({ length: MAX_STATE_IDS }, (_, i) => `g${i}`) }).success).toBe(true);
    expect(ZGuestStatesInput.safeParse({ ids: Array.from({ length: MAX_STATE_IDS + 1 }, (_, i) => `g${i}`) }).success).toBe(false);
    expect(ZGuestIdInput.safeParse({ id: "c".repeat(64) }).success).toBe(true);
    expect(ZGuestIdInput.safeParse({ id: "c".repeat(65) }).success).toBe(false);
    expect(ZRecordId.safeParse("").success).toBe(false);
  });

  it("checks the length before the pattern and reports one issue for an oversized value", () => {
    const r = ZHostName.safeParse("a".repeat(1_000_000));
    expect(r.success).toBe(false);
    expect(r.error?.issues).toHaveLength(1);
    expect(r.error?.issues[0]?.code).toBe("too_big");
    const p = ZAbsPath.safeParse(`/${"a".repeat(300)}`);
    expect(p.error?.issues.map((i) => i.code)).toEqual(["too_big"]);
  });

  it("bounds the serial log search term", () => {
    expect(ZSerialSearchInput.safeParse({ id: "g1", term: "x".repeat(200) }).success).toBe(true);
    expect(ZSerialSearchInput.safeParse({ id: "g1", term: "x".repeat(201) }).success).toBe(false);
  });
});
