import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeCpioNewc } from "./cpio";

describe("writeCpioNewc", () => {
  it("aligns every header and payload on 4 bytes and ends with the trailer", () => {
    const buf = writeCpioNewc([{ kind: "file", path: "/a", data: "xyz" }]);
    expect(buf.length % 4).toBe(0);
    expect(buf.subarray(0, 6).toString()).toBe("070701");
    expect(buf.toString("latin1")).toContain("TRAILER!!!\0");
  });

  it("is unpacked by GNU cpio into the same tree", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cpio-test-"));
    try {
      const archive = writeCpioNewc([
        { kind: "dir", path: "bin" },
        { kind: "file", path: "bin/hello", data: "#!/bin/sh\necho hi\n", mode: 0o755 },
        { kind: "symlink", path: "bin/sh", target: "hello" },
        { kind: "file", path: "odd-length-name", data: Buffer.from([1, 2, 3, 4, 5]) },
      ]);
      execFileSync("cpio", ["-id", "--quiet"], { cwd: dir, input: archive });
      expect(readFileSync(path.join(dir, "bin/hello"), "utf8")).toBe("#!/bin/sh\necho hi\n");
      expect(statSync(path.join(dir, "bin/hello")).mode & 0o777).toBe(0o755);
      expect(readlinkSync(path.join(dir, "bin/sh"))).toBe("hello");
      expect([...readFileSync(path.join(dir, "odd-length-name"))]).toEqual([1, 2, 3, 4, 5]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses names with NUL", () => {
    expect(() => writeCpioNewc([{ kind: "dir", path: "a\0b" }])).toThrow(/bad entry name/);
  });
});
