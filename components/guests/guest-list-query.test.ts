import { describe, expect, it } from "vitest";
import { DEFAULT_QUERY, nameFilter, nextSort, PAGE_SIZE, pageInput, pagesFor } from "./guest-list-query";

describe("guest list paging", () => {
  it("asks for the pages that hold the rows on screen, and always the first (it has the total)", () => {
    expect(pagesFor(0, 30)).toEqual([0]);
    expect(pagesFor(PAGE_SIZE - 5, PAGE_SIZE + 5)).toEqual([0, 1]);
    expect(pagesFor(5 * PAGE_SIZE + 1, 5 * PAGE_SIZE + 40)).toEqual([0, 5]);
    expect(pagesFor(-1, -1)).toEqual([0]);
  });

  it("sends only the filters that are set, the name in the guest-name alphabet", () => {
    expect(pageInput(DEFAULT_QUERY, 2)).toEqual({ offset: 2 * PAGE_SIZE, limit: PAGE_SIZE, sort: "name", dir: "asc" });
    expect(pageInput({ ...DEFAULT_QUERY, name: " Web_01%", hostId: "h1", state: "running" }, 0)).toEqual({
      offset: 0,
      limit: PAGE_SIZE,
      sort: "name",
      dir: "asc",
      name: "web01",
      hostId: "h1",
      state: "running",
    });
    expect(nameFilter("x".repeat(50))).toHaveLength(32);
  });

  it("flips the direction of the sorted column and starts another ascending", () => {
    const byName = nextSort(DEFAULT_QUERY, "name");
    expect([byName.sort, byName.dir]).toEqual(["name", "desc"]);
    const byHost = nextSort(byName, "host");
    expect([byHost.sort, byHost.dir]).toEqual(["host", "asc"]);
  });
});
