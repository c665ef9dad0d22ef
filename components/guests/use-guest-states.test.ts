import { describe, expect, it } from "vitest";
import { MAX_STATE_IDS } from "@/server/api/routers/guests.schema";
import { STATE_CHUNK } from "./use-guest-states";

describe("guest state polling", () => {
  it("asks in chunks the server's states input takes", () => {
    expect(STATE_CHUNK).toBeLessThanOrEqual(MAX_STATE_IDS);
  });
});
