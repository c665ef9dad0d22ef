import { describe, expect, it } from "vitest";
import { allowedActions } from "./guest-states";

describe("allowedActions", () => {
  it("allows what each state permits and nothing else", () => {
    expect(allowedActions("running")).toEqual(["shutdown", "force-stop", "reboot", "pause"]);
    expect(allowedActions("paused")).toEqual(["shutdown", "force-stop", "resume"]);
    expect(allowedActions("shut-off")).toEqual(["start", "delete"]);
    expect(allowedActions("crashed")).toEqual(["start", "delete"]);
    expect(allowedActions("unknown")).toEqual(["force-stop"]);
  });
});
