import { describe, expect, it } from "vitest";
import { handleWords, isOnScreen, newIds } from "./canvas-view";

describe("keeping new nodes in view", () => {
  const pane = { width: 800, height: 560 };
  it("knows a node placed off the visible pane", () => {
    const vp = { x: 400, y: 50, zoom: 1 };
    expect(isOnScreen({ x: -100, y: 0 }, vp, pane)).toBe(true);
    // The TAP row (y 400) under a view scrolled down, and a column far to the right.
    expect(isOnScreen({ x: 0, y: 400 }, { x: 400, y: 200, zoom: 1 }, pane)).toBe(false);
    expect(isOnScreen({ x: 500, y: 0 }, vp, pane)).toBe(false);
    // Zoomed out, the same place fits.
    expect(isOnScreen({ x: 500, y: 0 }, { x: 100, y: 50, zoom: 0.5 }, pane)).toBe(true);
  });
  it("lists only the nodes not there before", () => {
    expect(newIds(new Set(["link:br0", "link:eth0"]), [{ id: "link:br0" }, { id: "link:tap9" }, { id: "link:eth0" }])).toEqual([
      "link:tap9",
    ]);
  });
  it("names handles for the hint", () => {
    expect(handleWords("nic-1")).toBe("NIC 1");
    expect(handleWords("nat")).toBe("NAT handle");
  });
});
