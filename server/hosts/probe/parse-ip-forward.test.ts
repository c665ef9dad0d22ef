import { describe, expect, it } from "vitest";
import { parseIpForward } from "./parse-ip-forward";
import { fixture } from "./test-fixtures";

describe("parseIpForward", () => {
  it("reads the host's setting", () => {
    expect(parseIpForward(fixture("debian12-pvm/ip-forward.stdout"))).toBe(false);
    expect(parseIpForward("1\n")).toBe(true);
  });

  it("is null when unreadable", () => {
    expect(parseIpForward("")).toBeNull();
    expect(parseIpForward("cat: /proc/sys/net/ipv4/ip_forward: No such file or directory\n")).toBeNull();
  });
});
