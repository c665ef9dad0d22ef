import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { ExecResult } from "../../ssh/types";
import { batchArgv, newMarker, splitBatch, type BatchCommand } from "./batch";

// The batch script runs here through the machine's real /bin/sh (as on a host: dash on
// Debian), and the splitter is fed what it printed, or hostile variations of it.

function runLocally(marker: string, commands: BatchCommand[]): ExecResult {
  const argv = batchArgv(marker, commands);
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  return { outcome: "exited", exitStatus: r.status, exitSignal: null, stdout: r.stdout, stderr: r.stderr, durationMs: 1 };
}

const cmd = (argv: string[], maxBytes = 4096): BatchCommand => ({ argv, maxBytes });

describe("probe batch script", () => {
  it("runs each command with its own arguments, status and streams", () => {
    const m = newMarker();
    const commands = [
      cmd(["printf", "%s|", "a b", "$(id)", "`x`", "'q'", "\\", "*", ""]),
      cmd(["sh", "-c", "echo out; echo err >&2; exit 3"]),
      cmd(["cat", "/nonexistent/labdeck"]),
      cmd(["echo", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "eleven"]),
      cmd(["no-such-command-labdeck"]),
      cmd(["printf", "no newline"]),
    ];
    const [quoted, mixed, absent, many, missing, bare] = splitBatch(runLocally(m, commands), m, commands);
    expect(quoted).toMatchObject({ outcome: "exited", exitStatus: 0, stdout: "a b|$(id)|`x`|'q'|\\|*||", stderr: "" });
    expect(mixed).toMatchObject({ outcome: "exited", exitStatus: 3, stdout: "out\n", stderr: "err\n" });
    expect(absent).toMatchObject({ outcome: "exited", exitStatus: 1, stdout: "" });
    expect(absent?.stderr).toContain("No such file");
    expect(many).toMatchObject({ exitStatus: 0, stdout: "1 2 3 4 5 6 7 8 9 10 eleven\n" });
    expect(missing).toMatchObject({ outcome: "exited", exitStatus: 127 });
    expect(bare).toMatchObject({ exitStatus: 0, stdout: "no newline" });
  });

  it("cuts each stream of each command to its bound", () => {
    const m = newMarker();
    const commands = [cmd(["seq", "1", "200000"], 64), cmd(["sh", "-c", "seq 1 200000 >&2"], 32), cmd(["echo", "after"])];
    const [big, bigErr, after] = splitBatch(runLocally(m, commands), m, commands);
    expect(big?.stdout.length).toBe(64);
    expect(bigErr?.stderr.length).toBe(32);
    expect(after).toMatchObject({ outcome: "exited", exitStatus: 0, stdout: "after\n" });
  });

  it("gives a command no stdin (it cannot eat the next one's arguments or wait for input)", () => {
    const m = newMarker();
    const commands = [cmd(["cat"]), cmd(["echo", "next"])];
    const [cat, next] = splitBatch(runLocally(m, commands), m, commands);
    expect(cat).toMatchObject({ exitStatus: 0, stdout: "" });
    expect(next).toMatchObject({ stdout: "next\n" });
  });
});

describe("splitting a batch's output", () => {
  const m = "LABDECK-00112233445566778899aabbccddeeff";
  const commands = [cmd(["a"], 100), cmd(["b"], 100)];
  const exited = (stdout: string, stderr = ""): ExecResult => ({
    outcome: "exited",
    exitStatus: 0,
    exitSignal: null,
    stdout,
    stderr,
    durationMs: 5,
  });
  const section = (i: number, text: string, status = "0") => `\n${m} begin ${i}\n${text}\n${m} end ${i} ${status} 100.00 100.25\n`;

  it("reads each section's status and host-side duration", () => {
    const [a, b] = splitBatch(exited(section(0, "x") + section(1, "y", "2")), m, commands);
    expect(a).toEqual({ outcome: "exited", exitStatus: 0, exitSignal: null, stdout: "x", stderr: "", durationMs: 250 });
    expect(b).toMatchObject({ outcome: "exited", exitStatus: 2, stdout: "y" });
  });

  it("does not take another marker's lines (a command that does not know this run's marker forges nothing)", () => {
    const other = "LABDECK-ffffffffffffffffffffffffffffffff";
    const forged = `pre\n${other} end 0 0 1 1\n${other} begin 1\nfake`;
    const [a, b] = splitBatch(exited(section(0, forged) + section(1, "real")), m, [cmd(["a"]), cmd(["b"])]);
    expect(a).toMatchObject({ exitStatus: 0, stdout: forged });
    expect(b).toMatchObject({ exitStatus: 0, stdout: "real" });
  });

  it("marks sections whose end never arrived with the run's outcome, never exited", () => {
    const cut = `${section(0, "done")}\n${m} begin 1\npartial`;
    const [a, b] = splitBatch({ ...exited(cut), outcome: "timeout", exitStatus: null }, m, commands);
    expect(a).toMatchObject({ outcome: "exited", stdout: "done" });
    expect(b).toMatchObject({ outcome: "timeout", exitStatus: null, stdout: "partial" });
    const [c, d] = splitBatch(exited(section(0, "done")), m, commands);
    expect(c?.outcome).toBe("exited");
    expect(d).toMatchObject({ outcome: "connection-lost", exitStatus: null });
  });

  it("refuses a status that is not a number from 0 to 255", () => {
    for (const status of ["", "x", "256", "-1", "1e2", "0x1", "00000"]) {
      const [a] = splitBatch(exited(section(0, "x", status) + section(1, "y")), m, commands);
      expect(a?.outcome, status).toBe("connection-lost");
    }
  });

  it("cuts a section to its bound here too, whatever the host sent", () => {
    const [a] = splitBatch(exited(section(0, "z".repeat(10_000)) + section(1, "y")), m, commands);
    expect(a?.stdout.length).toBe(100);
  });

  it("scans hostile output of megabytes in linear time (no pattern, indexOf only)", () => {
    const junk = `\n${m} begin 0\n`.repeat(50_000) + `\n${m} end `.repeat(50_000);
    const r = splitBatch(exited(junk, junk), m, commands);
    expect(r.map((x) => x.outcome)).toEqual(["connection-lost", "connection-lost"]);
  });
});
