import { describe, expect, it } from "vitest";
import { isIpv4, isIpv4Cidr, sameSubnet, subnetOf } from "./ipv4";

describe("ipv4 (shared by the network editor and the server)", () => {
  it("takes dotted IPv4 without leading zeros (iproute2 reads 010 as octal)", () => {
    expect(["0.0.0.0", "10.0.0.1", "255.255.255.255", "192.168.2.1"].every(isIpv4)).toBe(true);
    expect(["010.0.0.1", "10.0.0.256", "10.0.0", "10.0.0.1.1", " 10.0.0.1"].some(isIpv4)).toBe(false);
  });

  it("takes an address with a prefix length up to 32", () => {
    expect(isIpv4Cidr("192.168.2.1/24")).toBe(true);
    expect(["192.168.2.1", "192.168.2.1/33", "192.168.2.1/24/1", "192.168.2.1/"].some(isIpv4Cidr)).toBe(false);
  });

  it("finds the subnet an address implies, however its host bits are written", () => {
    expect(subnetOf("192.168.2.1/24")).toBe("192.168.2.0/24");
    expect(subnetOf("10.1.2.3")).toBe("10.1.2.3/32");
    expect(subnetOf("10.1.2.3/0")).toBe("0.0.0.0/0");
    expect(subnetOf("255.255.255.255/31")).toBe("255.255.255.254/31");
    expect(subnetOf("fd00::1/64")).toBeNull();
    expect(sameSubnet("192.168.2.1/24", "192.168.2.0/24")).toBe(true);
    expect(sameSubnet("192.168.2.1/24", "192.168.3.0/24")).toBe(false);
  });
});
