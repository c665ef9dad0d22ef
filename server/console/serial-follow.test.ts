import { describe, expect, it } from "vitest";
import { FollowStreamSplitter, parseFollowHeader, serialFollowArgv, type FollowHeader } from "./serial-follow";

describe("serialFollowArgv", () => {
  it("passes the path and numbers as positional arguments to a fixed script", () => {
    const fresh = serialFollowArgv("/var/lib/labdeck/guests/a/serial.log", { backBytes: 65536, maxResumeBytes: 262144 });
    expect(fresh.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(fresh.slice(3)).toEqual(["sh", "/var/lib/labdeck/guests/a/serial.log", "65536", "-", "0", "262144"]);
    const resumed = serialFollowArgv("/r/serial.log", { backBytes: 10, maxResumeBytes: 20, resume: { inode: "1234", offset: 77 } });
    expect(resumed.slice(3)).toEqual(["sh", "/r/serial.log", "10", "1234", "77", "20"]);
    expect(resumed[2]).toBe(fresh[2]);
    expect(fresh[2]).toContain('exec tail -c +$((start + 1)) -f -- "$p"');
  });

  it("refuses a bad path, inode or count before anything runs", () => {
    expect(() => serialFollowArgv("relative.log", { backBytes: 1, maxResumeBytes: 1 })).toThrow(/serialLog/);
    expect(() => serialFollowArgv("/a/../b", { backBytes: 1, maxResumeBytes: 1 })).toThrow(/serialLog/);
    expect(() => serialFollowArgv("/a", { backBytes: 1, maxResumeBytes: 1, resume: { inode: "1; rm", offset: 0 } })).toThrow(/inode/);
    expect(() => serialFollowArgv("/a", { backBytes: -1, maxResumeBytes: 1 })).toThrow(/backBytes/);
    expect(() => serialFollowArgv("/a", { backBytes: 1, maxResumeBytes: 1, resume: { inode: "1", offset: 1.5 } })).toThrow(/offset/);
  });
});

describe("parseFollowHeader", () => {
  it("reads the script's header and nothing else", () => {
    expect(parseFollowHeader("labdeck-follow 2148897 3 6 -")).toEqual({ inode: "2148897", start: 3, size: 6, rotatedSize: null });
    expect(parseFollowHeader("labdeck-follow 5 0 0 1200")).toEqual({ inode: "5", start: 0, size: 0, rotatedSize: 1200 });
    for (const bad of [
      "",
      "labdeck-follow 1 2 3",
      "labdeck-follow a 1 2 -",
      "labdeck-follow 1 2 3 - extra",
      " labdeck-follow 1 2 3 -",
      "labdeck-follow 1 99999999999999999 3 -",
    ]) {
      expect(parseFollowHeader(bad)).toBeNull();
    }
  });
});

describe("FollowStreamSplitter", () => {
  function run(chunks: string[]) {
    const headers: FollowHeader[] = [];
    const bytes: string[] = [];
    const broken: string[] = [];
    const s = new FollowStreamSplitter(
      (h) => headers.push(h),
      (b) => bytes.push(b.toString("latin1")),
      (w) => broken.push(w),
    );
    for (const c of chunks) s.push(Buffer.from(c, "latin1"));
    return { headers, bytes: bytes.join(""), broken };
  }

  it("takes the first line as the header even when it arrives in pieces, and passes the rest on untouched", () => {
    const r = run(["labdeck-fol", "low 9 100 120 -\nLinux ver", "sion\nlabdeck-follow 1 0 0 -\n"]);
    expect(r.headers).toEqual([{ inode: "9", start: 100, size: 120, rotatedSize: null }]);
    // A header-shaped line printed by the guest is just output.
    expect(r.bytes).toBe("Linux version\nlabdeck-follow 1 0 0 -\n");
    expect(r.broken).toEqual([]);
  });

  it("reports a log that is not there yet once, then takes the header that follows", () => {
    const waits: number[] = [];
    const headers: FollowHeader[] = [];
    const bytes: string[] = [];
    const s = new FollowStreamSplitter(
      (h) => headers.push(h),
      (b) => bytes.push(b.toString("latin1")),
      () => undefined,
      () => waits.push(1),
    );
    for (const c of ["labdeck-follow-w", "ait\nlabdeck-follow 7 0 0 -\nlabdeck-follow-wait\n"]) s.push(Buffer.from(c, "latin1"));
    expect(waits).toEqual([1]);
    expect(headers).toEqual([{ inode: "7", start: 0, size: 0, rotatedSize: null }]);
    // After the header, the same words from the guest are output.
    expect(bytes.join("")).toBe("labdeck-follow-wait\n");
    // A second wait line is not a header.
    const again = new FollowStreamSplitter(
      () => undefined,
      () => undefined,
      (w) => waits.push(w.length),
      () => undefined,
    );
    again.push(Buffer.from("labdeck-follow-wait\nlabdeck-follow-wait\n", "latin1"));
    expect(waits.length).toBe(2);
  });

  it("gives up on a follower without a proper header, passing nothing on", () => {
    expect(run(["x".repeat(200)])).toEqual({ headers: [], bytes: "", broken: ["no header line from the follower"] });
    expect(run(["tail: cannot open\nmore"]).broken).toEqual(["unreadable header line from the follower"]);
    expect(run(["tail: cannot open\nmore"]).bytes).toBe("");
  });
});
