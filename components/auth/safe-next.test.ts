import { describe, expect, it } from "vitest";
import { safeNext } from "./safe-next";

describe("safeNext", () => {
  it.each([
    "/%09/evil.example",
    "/%2509/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "//evil.example",
    "//evil.example/path",
    "///evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "\\evil.example",
    "\\\\evil.example",
    "/\\evil.example",
    "/%5Cevil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://evil.example",
    "http://evil.example/",
    "https:evil.example",
    "evil.example",
    "./relative",
    "?next=/x",
    "/ok\u0000",
    "/ok\u007f",
    "/ok%00",
    "/bad%E0%A4%A",
    "/%",
    `/${"a".repeat(3000)}`,
    "",
  ])("refuses %j", (value) => {
    expect(safeNext(value)).toBe("/");
  });

  it("refuses null and undefined", () => {
    expect(safeNext(null)).toBe("/");
    expect(safeNext(undefined)).toBe("/");
  });

  it.each([
    ["/", "/"],
    ["/hosts", "/hosts"],
    ["/hosts/abc?tab=network#rules", "/hosts/abc?tab=network#rules"],
    ["/guests/g1/console", "/guests/g1/console"],
    ["/audit?user=alice%20b", "/audit?user=alice%20b"],
  ])("keeps the same-origin path %j", (value, expected) => {
    expect(safeNext(value)).toBe(expected);
  });

  it("every accepted value resolves to this origin", () => {
    const samples = ["/a", "/a/../b", "/a/%2e%2e/b", "/.%2e/x", "/@evil.example", "/:evil"];
    for (const s of samples) {
      const out = safeNext(s);
      expect(new URL(out, "https://labdeck.example").origin).toBe("https://labdeck.example");
      expect(out.startsWith("/") && !out.startsWith("//")).toBe(true);
    }
  });
});
