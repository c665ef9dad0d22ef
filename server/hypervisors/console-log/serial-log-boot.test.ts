import { describe, expect, it } from "vitest";
import { isSerialLogBootArgv, parseSerialLogBoot, serialLogBootArgv, serialLogBootStep } from "./serial-log-boot";

describe("serial log boot mark", () => {
  it("is a fixed script with the log path as its only argument", () => {
    const argv = serialLogBootArgv("/var/lib/labdeck/guests/a/serial.log");
    expect(argv.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(argv.slice(3)).toEqual(["sh", "/var/lib/labdeck/guests/a/serial.log"]);
    expect(argv[2]).toContain("umask 077");
    expect(isSerialLogBootArgv(argv)).toBe(true);
    expect(isSerialLogBootArgv(serialLogBootStep("/x/serial.log", "a").argv)).toBe(true);
    expect(isSerialLogBootArgv(["sh", "-c", "echo 1 2 - -", "sh", "/x"])).toBe(false);
    expect(() => serialLogBootArgv("serial.log")).toThrow(/serialLog/);
  });

  it("reads inode and size, and the rotated log's when there is one", () => {
    expect(parseSerialLogBoot("2148897 0 - -\n")).toEqual({ inode: "2148897", offset: 0, rotated: null });
    expect(parseSerialLogBoot("12 4096 11 16777300\n")).toEqual({ inode: "12", offset: 4096, rotated: { inode: "11", size: 16777300 } });
    for (const bad of ["", "12", "12 x - -", "12 1 - - extra", "12 1 5 -", "stat: cannot stat"]) expect(parseSerialLogBoot(bad)).toBeNull();
  });
});
