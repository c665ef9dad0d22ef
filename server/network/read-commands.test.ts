import { describe, expect, it } from "vitest";
import { networkReadSteps, routeGetArgv } from "./read-commands";

describe("read commands", () => {
  it("are argv arrays of read-only tools", () => {
    for (const s of networkReadSteps()) {
      expect(s.argv.length).toBeGreaterThan(0);
      expect(s.argv.join(" ")).not.toMatch(/\b(add|del|set|-w|-A|-I|-D|restore)\b/);
    }
  });
  it("refuses a route-get address that is not an IP", () => {
    expect(routeGetArgv({ clientAddress: "10.203.0.1", serverAddress: "10.203.0.2" })).toEqual([
      "ip",
      "-j",
      "route",
      "get",
      "10.203.0.1",
      "from",
      "10.203.0.2",
    ]);
    expect(() => routeGetArgv({ clientAddress: "-h", serverAddress: "10.0.0.1" })).toThrow(/clientAddress/);
    expect(() => routeGetArgv({ clientAddress: "1.2.3.4 x", serverAddress: "10.0.0.1" })).toThrow();
  });
});
