import { describe, expect, it } from "vitest";
import { parseOsRelease } from "./parse-os-release";
import { fixture } from "./test-fixtures";

describe("parseOsRelease", () => {
  it("reads PRETTY_NAME", () => {
    expect(parseOsRelease(fixture("debian12-pvm/os-release.stdout"))).toBe("Debian GNU/Linux 12 (bookworm)");
  });

  it("falls back to NAME and undoes single quotes", () => {
    const text = fixture("debian12-pvm/os-release.stdout")
      .split("\n")
      .filter((l) => !l.startsWith("PRETTY_NAME="))
      .join("\n")
      .replace(/^NAME="(.*)"$/m, "NAME='$1'");
    expect(parseOsRelease(text)).toBe("Debian GNU/Linux");
  });

  it("is null when the file could not be read", () => {
    expect(parseOsRelease("")).toBeNull();
  });
});
