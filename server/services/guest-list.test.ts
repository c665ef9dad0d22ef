import { describe, expect, it } from "vitest";
import type { GuestState } from "../../lib/guest-states";
import { byKnownState, MAX_OFFSET, MAX_PAGE, ZGuestPageInput } from "./guest-list";

describe("guest page input", () => {
  it("fills the defaults: first page of 100, by name ascending", () => {
    expect(ZGuestPageInput.parse({})).toEqual({ offset: 0, limit: 100, sort: "name", dir: "asc" });
  });

  it("bounds the page size and the offset", () => {
    expect(ZGuestPageInput.safeParse({ limit: MAX_PAGE }).success).toBe(true);
    expect(ZGuestPageInput.safeParse({ limit: MAX_PAGE + 1 }).success).toBe(false);
    expect(ZGuestPageInput.safeParse({ limit: 0 }).success).toBe(false);
    expect(ZGuestPageInput.safeParse({ limit: 1.5 }).success).toBe(false);
    expect(ZGuestPageInput.safeParse({ offset: -1 }).success).toBe(false);
    expect(ZGuestPageInput.safeParse({ offset: MAX_OFFSET }).success).toBe(true);
    expect(ZGuestPageInput.safeParse({ offset: MAX_OFFSET + 1 }).success).toBe(false);
  });

  it("takes only known sort fields, directions, hypervisors and states", () => {
    for (const sort of ["name", "host", "hypervisor", "state", "created"]) expect(ZGuestPageInput.safeParse({ sort }).success).toBe(true);
    expect(ZGuestPageInput.safeParse({ sort: "definitionJson" }).success).toBe(false);
    expect(ZGuestPageInput.safeParse({ dir: "sideways" }).success).toBe(false);
    expect(ZGuestPageInput.safeParse({ hypervisor: "vmware" }).success).toBe(false);
    expect(ZGuestPageInput.safeParse({ state: "running" }).success).toBe(true);
    expect(ZGuestPageInput.safeParse({ state: "exploded" }).success).toBe(false);
  });

  it("takes a name filter only in the guest-name alphabet and length, so it holds no LIKE wildcard", () => {
    expect(ZGuestPageInput.safeParse({ name: "web-0" }).success).toBe(true);
    for (const name of ["%", "a_b", "A", "a b", "x".repeat(33), "a\nb"])
      expect(ZGuestPageInput.safeParse({ name }).success, name).toBe(false);
    expect(ZGuestPageInput.safeParse({ hostId: "h".repeat(65) }).success).toBe(false);
  });
});

describe("ordering by known state", () => {
  const rows = [
    { id: "1", name: "b", hostName: "h1" },
    { id: "2", name: "a", hostName: "h1" },
    { id: "3", name: "c", hostName: "h2" },
    { id: "4", name: "d", hostName: "h2" },
    { id: "5", name: "a", hostName: "h2" },
  ];
  const known = new Map<string, GuestState>([
    ["1", "running"],
    ["3", "shut-off"],
    ["5", "running"],
  ]);

  it("filters to the guests read in that state", () => {
    expect(byKnownState(rows, known, { state: "running", sort: "name", dir: "asc" }).map((r) => r.id)).toEqual(["1", "5"]);
    expect(byKnownState(rows, known, { state: "paused", sort: "name", dir: "asc" })).toEqual([]);
  });

  it("sorts known states first in either direction, ties by name, host and id", () => {
    expect(byKnownState(rows, known, { sort: "state", dir: "asc" }).map((r) => r.id)).toEqual(["5", "1", "3", "2", "4"]);
    expect(byKnownState(rows, known, { sort: "state", dir: "desc" }).map((r) => r.id)).toEqual(["3", "5", "1", "2", "4"]);
  });

  it("leaves other sorts to the database and does not reorder", () => {
    expect(byKnownState(rows, known, { sort: "name", dir: "asc" }).map((r) => r.id)).toEqual(["1", "2", "3", "4", "5"]);
  });
});
