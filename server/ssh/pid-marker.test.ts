import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { PidMarkerFilter, remoteCommand } from "./pid-marker";

const run = promisify(execFile);

function collect(chunks: string[]): { out: string; pid: number | null } {
  let out = "";
  let pid: number | null = null;
  const f = new PidMarkerFilter(
    (c) => (out += c.toString()),
    (p) => (pid = p),
  );
  for (const c of chunks) f.push(Buffer.from(c));
  f.end();
  return { out, pid };
}

describe("PidMarkerFilter", () => {
  it("removes the marker line and reports the pid", () => {
    expect(collect(["ldk-pid:1234\nwarning: x\n"])).toEqual({ out: "warning: x\n", pid: 1234 });
  });

  it("finds a marker split across chunks", () => {
    expect(collect(["ldk-", "pid:9", "87\n", "rest"])).toEqual({ out: "rest", pid: 987 });
  });

  it("passes through what a noisy login shell printed before the marker", () => {
    expect(collect(["bashrc says hi\n", "ldk-pid:42\nerr\n"])).toEqual({ out: "bashrc says hi\nerr\n", pid: 42 });
  });

  it("gives up after 8 KiB without a marker and loses nothing", () => {
    const big = "x".repeat(9000);
    expect(collect([big, "tail"])).toEqual({ out: `${big}tail`, pid: null });
  });

  it("flushes held-back bytes when stderr ends early", () => {
    expect(collect(["partial ldk-p"])).toEqual({ out: "partial ldk-p", pid: null });
  });

  it("does not take a malformed marker for a pid", () => {
    expect(collect(["ldk-pid:12a\n"])).toEqual({ out: "ldk-pid:12a\n", pid: null });
  });

  it("only strips the first marker", () => {
    expect(collect(["ldk-pid:5\nldk-pid:6\n"])).toEqual({ out: "ldk-pid:6\n", pid: 5 });
  });
});

describe("remoteCommand", () => {
  it("runs argv intact in a real shell and reports that shell's pid first on stderr", async () => {
    const argv = ["sh", "-c", 'printf "%s|" "$@"; echo oops >&2', "sh", "a b", "it's", "$x", ""];
    const { stdout, stderr } = await run("sh", ["-c", remoteCommand(argv)]);
    expect(stdout).toBe("a b|it's|$x||");
    expect(stderr).toMatch(/^ldk-pid:[1-9][0-9]*\noops\n$/);
  });
});
