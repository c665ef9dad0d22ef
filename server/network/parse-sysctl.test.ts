import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseSshConnection, parseSysctlBool } from "./parse-sysctl";

const LAB = path.join(import.meta.dirname, "fixtures", "lab-nat");
const read = (dir: string, f: string) => readFileSync(path.join(dir, f), "utf8");

describe("sysctl and SSH_CONNECTION", () => {
  it("reads 0/1 and refuses anything else", () => {
    expect(parseSysctlBool("f", "1\n")).toBe(true);
    expect(parseSysctlBool("f", "0\n")).toBe(false);
    expect(() => parseSysctlBool("f", "")).toThrow();
  });
  it("reads SSH_CONNECTION and null when unset", () => {
    expect(parseSshConnection(read(LAB, "ssh-connection.out"))).toMatchObject({
      clientAddress: expect.stringMatching(/^10\.203\.\d+\.\d+$/),
      serverPort: 22,
    });
    expect(parseSshConnection("\n")).toBeNull();
  });
});
