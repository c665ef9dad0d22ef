import { describe, expect, it } from "vitest";
import { IFNAME } from "../lib/names";
import { ZGuestDefinition } from "./hypervisors/qemu/guest-definition";
import { ZNetOp } from "./network/ops";

// One pattern for every interface name (lib/names.ts). The guest NIC once had its own,
// stricter one: a bridge made in the network editor (0br, _lab, lab:1) was refused as the
// bridge of a guest's NIC.

const tapNic = (bridge: string, ifname?: string) => ({
  name: "g",
  nics: [{ network: { kind: "tap", bridge, ...(ifname ? { ifname } : {}) } }],
});

describe("interface names across the network editor and the guest definition", () => {
  const editorNames = ["br0", "0br", "_lab", "lab:1", "br-lab.10", "abcdefghijklmno"];

  it("accepts every bridge the network editor creates as a guest NIC's bridge and TAP name", () => {
    for (const name of editorNames) {
      expect(ZNetOp.safeParse({ op: "bridge.create", name }).success, name).toBe(true);
      expect(ZGuestDefinition.safeParse(tapNic(name)).success, name).toBe(true);
      expect(ZGuestDefinition.safeParse(tapNic("br0", name)).success, name).toBe(true);
    }
  });

  it("refuses on both sides what the kernel or an argv would misread", () => {
    for (const name of ["", "-br", ".br", ".", "..", "abcdefghijklmnop", "br 0", "br,0", "br/0", "br;x"]) {
      expect(IFNAME.test(name), name).toBe(false);
      expect(ZNetOp.safeParse({ op: "bridge.create", name }).success, name).toBe(false);
      expect(ZGuestDefinition.safeParse(tapNic(name)).success, name).toBe(false);
    }
  });
});
