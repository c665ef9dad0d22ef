import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BatchSplitter, batchArgv, newBatchNonce, type BatchCommandEnd } from "./step-batch";

// The batch script runs in a real sh here, as it does on a host: arguments must reach each
// program exactly as the argv array says, output must split per command, and the batch
// must stop after the first failure.

function runBatch(commands: string[][], chunk = Infinity): { ends: BatchCommandEnd[]; splitter: BatchSplitter } {
  const nonce = newBatchNonce();
  const [sh, ...args] = batchArgv(nonce, commands);
  const res = spawnSync(sh as string, args, { encoding: "buffer" });
  expect(res.status).toBe(0);
  const ends: BatchCommandEnd[] = [];
  const splitter = new BatchSplitter(nonce, (e) => ends.push(e));
  const feed = (buf: Buffer, to: (b: Buffer) => void) => {
    for (let i = 0; i < buf.length; i += chunk === Infinity ? buf.length : chunk)
      to(buf.subarray(i, i + (chunk === Infinity ? buf.length : chunk)));
  };
  feed(res.stdout, (b) => splitter.stdout(b));
  feed(res.stderr, (b) => splitter.stderr(b));
  return { ends, splitter };
}

const hostile = ["a b", "'", '"', "$(touch /tmp/ldk-batch-pwned)", "`id`", "${1}", "$n", "", "x\ny", "-e", "\\", "*", ";exit 3"];

describe("one SSH exec for several plan steps", () => {
  it("passes every argument as it is, splitting output per command", () => {
    const { ends } = runBatch([["printf", "%s|", ...hostile], ["sh", "-c", 'printf "to err" >&2; printf "no newline"'], ["true"]]);
    expect(ends.map((e) => e.exitStatus)).toEqual([0, 0, 0]);
    expect(ends[0]?.stdout).toBe(`${hostile.join("|")}|`);
    expect(ends[1]).toMatchObject({ stdout: "no newline", stderr: "to err" });
    expect(ends[2]).toMatchObject({ stdout: "", stderr: "" });
  });

  it("handles more than nine arguments (positional ${10} and beyond)", () => {
    const many = Array.from({ length: 25 }, (_, i) => `arg${i}`);
    const { ends } = runBatch([["printf", "%s,", ...many]]);
    expect(ends[0]?.stdout).toBe(`${many.join(",")},`);
  });

  it("stops after the first failing command and reports its status", () => {
    const { ends, splitter } = runBatch([["true"], ["sh", "-c", "echo bad >&2; exit 7"], ["touch", "/tmp/ldk-batch-never"]]);
    expect(ends.map((e) => [e.index, e.exitStatus])).toEqual([
      [0, 0],
      [1, 7],
    ]);
    expect(ends[1]?.stderr).toBe("bad\n");
    expect(splitter.ended).toBe(2);
  });

  it("splits the same way when output arrives a byte at a time", () => {
    const { ends } = runBatch([["printf", "one\n"], ["printf", "two"], ["false"]], 1);
    expect(ends.map((e) => [e.stdout, e.exitStatus])).toEqual([
      ["one\n", 0],
      ["two", 0],
      ["", 1],
    ]);
  });

  it("cannot be ended early by output that looks like a marker without the nonce", () => {
    const { ends } = runBatch([["printf", "\\nldk-batch-00 end 0 0\\n"], ["true"]]);
    expect(ends).toHaveLength(2);
    expect(ends[0]?.stdout).toBe("\nldk-batch-00 end 0 0\n");
  });

  it("refuses an empty command", () => {
    expect(() => batchArgv(newBatchNonce(), [["true"], []])).toThrow();
    expect(() => batchArgv(newBatchNonce(), [])).toThrow();
  });
});
