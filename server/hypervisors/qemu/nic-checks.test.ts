import { describe, expect, it } from "vitest";
import { LabdeckError } from "../../errors";
import { ZGuestDefinition } from "./guest-definition";
import { defaultForwardAddress } from "../../../lib/port-forward";
import { checkNics, forwardAddressProblem, withForwardAddresses } from "./nic-checks";

const withForward = (hostAddress?: string) =>
  ZGuestDefinition.parse({
    name: "g",
    nics: [{ network: { kind: "user", forwards: [{ ...(hostAddress ? { hostAddress } : {}), hostPort: 2222, guestPort: 22 }] } }],
  });

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof LabdeckError && e.code === "BAD_INPUT") return e.field;
    throw e;
  }
  return undefined;
}

describe("port forward addresses", () => {
  it("never binds every address", () => {
    expect(forwardAddressProblem(undefined)).toMatch(/choose/);
    expect(forwardAddressProblem("")).toMatch(/choose/);
    expect(forwardAddressProblem("0.0.0.0")).toMatch(/every host address/);
    expect(forwardAddressProblem("10.0.0.256")).toMatch(/not an IPv4/);
    expect(forwardAddressProblem("127.0.0.1")).toBeNull();
  });
  it("defaults to the host's management address only when it is an IPv4 literal", () => {
    expect(defaultForwardAddress("10.203.0.2")).toBe("10.203.0.2");
    expect(defaultForwardAddress("lab1.example.org")).toBeUndefined();
    expect(defaultForwardAddress("fe80::1")).toBeUndefined();
    expect(defaultForwardAddress("0.0.0.0")).toBeUndefined();
  });
  it("fills only forwards saved without an address", () => {
    expect(withForwardAddresses(withForward(), "10.0.0.5").nics[0]?.network).toMatchObject({ forwards: [{ hostAddress: "10.0.0.5" }] });
    expect(withForwardAddresses(withForward("127.0.0.1"), "10.0.0.5").nics[0]?.network).toMatchObject({
      forwards: [{ hostAddress: "127.0.0.1" }],
    });
    expect(fieldOf(() => checkNics(withForwardAddresses(withForward(), undefined), "definition."))).toBe(
      "definition.nics.0.network.forwards.0.hostAddress",
    );
  });
});

describe("checkNics", () => {
  it("names the NIC whose MAC is not locally administered unicast", () => {
    const def = ZGuestDefinition.parse({
      name: "g",
      nics: [
        { mac: "52:54:00:00:00:01", network: { kind: "user" } },
        { mac: "01:00:5e:00:00:01", network: { kind: "user" } },
      ],
    });
    expect(fieldOf(() => checkNics(def, "definition."))).toBe("definition.nics.1.mac");
  });
});
