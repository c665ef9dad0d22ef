import { describe, expect, it } from "vitest";
import {
  parseSerialLogSearch,
  parseSerialLogSize,
  plainText,
  serialLogPageWindow,
  serialLogReadArgv,
  serialLogSearchArgv,
  serialLogSizeArgv,
} from "./serial-log";

const LOG = "/var/lib/labdeck/guests/web1/serial.log";

describe("serial log argv", () => {
  it("builds stat, dd and grep argv", () => {
    expect(serialLogSizeArgv(LOG)).toEqual(["stat", "-c", "%s", "--", LOG]);
    expect(serialLogReadArgv(LOG, { offset: 4096, length: 100 })).toEqual([
      "dd",
      `if=${LOG}`,
      "bs=65536",
      "skip=4096",
      "count=100",
      "iflag=skip_bytes,count_bytes",
      "status=none",
    ]);
    expect(serialLogSearchArgv(LOG, "-e kernel panic", 50)).toEqual([
      "grep",
      "-n",
      "-b",
      "-a",
      "-F",
      "-i",
      "-m",
      "50",
      "-e",
      "-e kernel panic",
      "--",
      LOG,
    ]);
  });

  it("refuses bad paths, windows and terms", () => {
    expect(() => serialLogSizeArgv("serial.log")).toThrow(/serialLog/);
    expect(() => serialLogSizeArgv("/var/lib/../../etc/shadow")).toThrow(/serialLog/);
    expect(() => serialLogReadArgv(LOG, { offset: -1, length: 10 })).toThrow(/offset/);
    expect(() => serialLogReadArgv(LOG, { offset: 0, length: 2 * 1024 * 1024 })).toThrow(/length/);
    expect(() => serialLogSearchArgv(LOG, "")).toThrow(/term/);
    expect(() => serialLogSearchArgv(LOG, "a\nb")).toThrow(/term/);
  });
});

describe("serial log pages", () => {
  it("reads the newest page first and walks back", () => {
    expect(serialLogPageWindow(200_000, { pageBytes: 65_536 })).toEqual({ offset: 134_464, length: 65_536 });
    expect(serialLogPageWindow(200_000, { before: 134_464, pageBytes: 65_536 })).toEqual({ offset: 68_928, length: 65_536 });
    expect(serialLogPageWindow(200_000, { before: 1000, pageBytes: 65_536 })).toEqual({ offset: 0, length: 1000 });
    expect(serialLogPageWindow(0)).toEqual({ offset: 0, length: 0 });
    expect(serialLogPageWindow(10, { before: 50 })).toEqual({ offset: 0, length: 10 });
  });
});

describe("serial log parsers", () => {
  it("parses stat output and treats a missing log as empty", () => {
    expect(parseSerialLogSize({ exitStatus: 0, stdout: "12345\n", stderr: "" })).toBe(12345);
    expect(parseSerialLogSize({ exitStatus: 1, stdout: "", stderr: "stat: cannot statx '/x': No such file or directory\n" })).toBe(0);
    expect(() => parseSerialLogSize({ exitStatus: 1, stdout: "", stderr: "stat: Permission denied\n" })).toThrow();
  });

  it("parses grep -n -b output (real GNU grep 3.8 output) and strips escapes", () => {
    const stdout =
      "3:120:[    0.000000] Linux version 6.1.0-28-cloud-amd64\r\n" +
      "17:1893:\x1b[1;32mlabdeck tiny guest\x1b[0m: eth0 up\r\n" +
      "20:2001:a:b:c with colons\n";
    expect(parseSerialLogSearch({ exitStatus: 0, stdout, stderr: "" })).toEqual([
      { line: 3, offset: 120, text: "[    0.000000] Linux version 6.1.0-28-cloud-amd64" },
      { line: 17, offset: 1893, text: "labdeck tiny guest: eth0 up" },
      { line: 20, offset: 2001, text: "a:b:c with colons" },
    ]);
    expect(parseSerialLogSearch({ exitStatus: 1, stdout: "", stderr: "" })).toEqual([]);
    expect(() => parseSerialLogSearch({ exitStatus: 2, stdout: "", stderr: "grep: x: Permission denied" })).toThrow();
  });

  it("removes OSC sequences such as clipboard writes from hit text", () => {
    expect(plainText("before\x1b]52;c;ZXZpbA==\x07after")).toBe("beforeafter");
  });
});
