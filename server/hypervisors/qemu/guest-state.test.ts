import { describe, expect, it } from "vitest";
import { normaliseGuestState, parsePidfileCheck, pidfileCheckArgv } from "./guest-state";

describe("normaliseGuestState", () => {
  it.each([
    [{ pidfileAlive: true, qmpStatus: "running" }, "running"],
    [{ pidfileAlive: null, qmpStatus: "running" }, "running"],
    [{ pidfileAlive: true, qmpStatus: "paused" }, "paused"],
    [{ pidfileAlive: true, qmpStatus: "prelaunch" }, "paused"],
    [{ pidfileAlive: true, qmpStatus: "suspended" }, "paused"],
    [{ pidfileAlive: true, qmpStatus: "guest-panicked" }, "crashed"],
    [{ pidfileAlive: true, qmpStatus: "internal-error" }, "crashed"],
    [{ pidfileAlive: true, qmpStatus: "io-error" }, "crashed"],
    [{ pidfileAlive: true, qmpStatus: "shutdown" }, "shut-off"],
    [{ pidfileAlive: false, qmpStatus: null }, "shut-off"],
    [{ pidfileAlive: false, qmpStatus: "running" }, "shut-off"],
    [{ pidfileAlive: true, qmpStatus: null, qmpError: "timeout" }, "unknown"],
    [{ pidfileAlive: null, qmpStatus: null }, "unknown"],
    [{ pidfileAlive: true, qmpStatus: "some-future-state" }, "unknown"],
  ] as const)("%o -> %s", (input, state) => {
    expect(normaliseGuestState(input)).toBe(state);
  });
});

describe("pidfile check", () => {
  it("asks pgrep for a locked pidfile", () => {
    expect(pidfileCheckArgv({ pidfile: "/r/guests/a/qemu.pid" })).toEqual(["pgrep", "-L", "-F", "/r/guests/a/qemu.pid"]);
  });

  // Exit statuses as procps-ng 4.0.2 gives them: 0 with the PID, 1 for a missing or
  // stale ("pidfile not valid") file, 2 for a usage error.
  it("reads alive, gone and unknown", () => {
    expect(parsePidfileCheck({ exitStatus: 0, stdout: "21926\n" })).toEqual({ alive: true, pid: 21926 });
    expect(parsePidfileCheck({ exitStatus: 1, stdout: "" })).toEqual({ alive: false, pid: null });
    expect(parsePidfileCheck({ exitStatus: 2, stdout: "" })).toEqual({ alive: null, pid: null });
    expect(parsePidfileCheck({ exitStatus: null, stdout: "" })).toEqual({ alive: null, pid: null });
  });
});
