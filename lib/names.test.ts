import { describe, expect, it } from "vitest";
import { ZGuestDefinition } from "@/server/hypervisors/qemu/guest-definition";
import { ZNetOp } from "@/server/network/ops";
import { IFNAME, isTableRefText, ZLvmName } from "./names";

const tapNic = (bridge: string, ifname?: string) => ({ name: "g", nics: [{ network: { kind: "tap", bridge, ...(ifname ? { ifname } : {}) } }] });

describe("one interface-name pattern", () => {
  // Names the network editor's bridge.create accepts that the guest NIC schema once refused:
  // a leading digit or underscore, a colon.
  const editorNames = ["br0", "0br", "_lab", "lab:1", "br-lab.10", "abcdefghijklmno"];

  it("accepts every bridge the network editor creates as a guest NIC's bridge and TAP name", () => {
    for (const name of editorNames) {
      expect(ZNetOp.safeParse({ op: "bridge.create", name }).success, name).toBe(true);
      expect(ZGuestDefinition.safeParse(tapNic(name)).success, name).toBe(true);
      expect(ZGuestDefinition.safeParse(tapNic("br0", name)).success, name).toBe(true);
    }
  });

  it("refuses what the kernel or an argv would misread, on both sides", () => {
    for (const name of ["", "-br", ".br", ".", "..", "abcdefghijklmnop", "br 0", "br,0", "br/0", "br;x"]) {
      expect(IFNAME.test(name), name).toBe(false);
      expect(ZNetOp.safeParse({ op: "bridge.create", name }).success, name).toBe(false);
      expect(ZGuestDefinition.safeParse(tapNic(name)).success, name).toBe(false);
    }
  });
});

describe("other names", () => {
  it("reads a routing table as a number or a name", () => {
    expect(["100", "main", "lab_1"].map(isTableRefText)).toEqual([true, true, true]);
    expect(["", "1a", "-x", "lab 1"].map(isTableRefText)).toEqual([false, false, false, false]);
  });

  it("refuses LVM's reserved names", () => {
    expect(ZLvmName.safeParse("web").success).toBe(true);
    expect(["-web", ".", "..", "snapshot1", "a_tmeta"].map((n) => ZLvmName.safeParse(n).success)).toEqual([false, false, false, false, false]);
  });
});
