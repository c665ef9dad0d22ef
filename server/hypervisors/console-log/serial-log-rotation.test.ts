import { describe, expect, it } from "vitest";
import { LabdeckError } from "../../errors";
import { parseRotatedLogStat, rotatedLogPath, rotatedLogStatArgv, serialLogRotateArgv } from "./serial-log-rotation";

describe("serial log rotation", () => {
  it("passes the path and the limit as arguments of a fixed script", () => {
    const argv = serialLogRotateArgv("/srv/ld/guests/web/serial.log", 100);
    expect(argv.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(argv[2]).not.toContain("/srv");
    expect(argv.slice(3)).toEqual(["sh", "/srv/ld/guests/web/serial.log", "100"]);
    expect(rotatedLogPath("/srv/ld/guests/web/serial.log")).toBe("/srv/ld/guests/web/serial.log.1");
    expect(rotatedLogStatArgv("/a/serial.log")).toEqual(["stat", "-c", "%s %Z", "--", "/a/serial.log.1"]);
  });

  it("refuses a relative or dotted path and a bad limit", () => {
    expect(() => serialLogRotateArgv("serial.log")).toThrow(LabdeckError);
    expect(() => serialLogRotateArgv("/a/../serial.log")).toThrow(LabdeckError);
    expect(() => serialLogRotateArgv("/a/serial.log", -1)).toThrow(LabdeckError);
  });

  it("reads the rotated log's size and time, and none when there is no rotated log", () => {
    expect(parseRotatedLogStat({ exitStatus: 0, stdout: "17825792 1764620000\n", stderr: "" })).toEqual({
      bytes: 17825792,
      rotatedAt: 1764620000000,
    });
    expect(
      parseRotatedLogStat({ exitStatus: 1, stdout: "", stderr: "stat: cannot statx '/a/serial.log.1': No such file or directory" }),
    ).toBeNull();
    expect(() => parseRotatedLogStat({ exitStatus: 0, stdout: "garbage", stderr: "" })).toThrow(LabdeckError);
    expect(() => parseRotatedLogStat({ exitStatus: 1, stdout: "", stderr: "Permission denied" })).toThrow(LabdeckError);
  });
});
