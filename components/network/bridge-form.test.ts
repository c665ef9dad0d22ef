import { describe, expect, it } from "vitest";
import { checkBridgeTimers } from "./bridge-form";
import { addBridgeEdit, editBridgeEdit } from "./pending-edits";

describe("bridge timers", () => {
  it("takes every timer the server supports, in seconds as brctl does, and sends centiseconds", () => {
    const { errors, values } = checkBridgeTimers({ stp: true, forwardDelay: "4", helloTime: "1", maxAge: "12" });
    expect(errors).toEqual({});
    const edit = addBridgeEdit({ name: "br9", cidr: "", stp: true, ...values });
    expect(edit.ops).toEqual([{ op: "bridge.create", name: "br9", stp: true, forwardDelayCs: 400, helloTimeCs: 100, maxAgeCs: 1200 }]);
    expect(edit.label).toBe("Add bridge br9 (STP on, forward delay 4 s, hello time 1 s, max age 12 s)");
    // `brctl sethello br0 1` on an existing bridge, nothing else.
    const set = editBridgeEdit({
      name: "br0",
      cidr: "",
      stp: false,
      ...checkBridgeTimers({ stp: false, forwardDelay: "", helloTime: "1", maxAge: "" }).values,
    });
    expect(set.ops).toEqual([{ op: "bridge.set", name: "br0", stp: false, helloTimeCs: 100 }]);
  });

  it("names the field of a value the kernel refuses", () => {
    expect(checkBridgeTimers({ stp: false, forwardDelay: "31", helloTime: "0.5", maxAge: "50" }).errors).toEqual({
      forwardDelay: "0 to 30 seconds",
      helloTime: "1 to 10 seconds",
      maxAge: "6 to 40 seconds",
    });
    expect(checkBridgeTimers({ stp: true, forwardDelay: "1", helloTime: "", maxAge: "" }).errors).toEqual({
      forwardDelay: "With STP on, at least 2 seconds",
    });
    expect(checkBridgeTimers({ stp: false, forwardDelay: "1.234", helloTime: "", maxAge: "" }).errors.forwardDelay).toBe("0 to 30 seconds");
  });
});
