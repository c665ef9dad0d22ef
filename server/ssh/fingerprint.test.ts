import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { algorithmOf, fingerprintOf, hostKeyInfo, sameFingerprint } from "./fingerprint";

const run = promisify(execFile);

describe("host key fingerprints", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "labdeck-fp-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(["ed25519", "ecdsa", "rsa"])("match ssh-keygen -lf for an %s key", async (type) => {
    const file = path.join(dir, `k-${type}`);
    await run("ssh-keygen", ["-q", "-t", type, "-N", "", "-f", file]);
    const pub = await readFile(`${file}.pub`, "utf8");
    const [algorithm, b64] = pub.split(" ");
    const blob = Buffer.from(b64 ?? "", "base64");
    const { stdout } = await run("ssh-keygen", ["-l", "-E", "sha256", "-f", `${file}.pub`]);
    expect(fingerprintOf(blob)).toBe(stdout.split(" ")[1]);
    expect(hostKeyInfo(blob).algorithm).toBe(algorithm);
  });

  it("says unknown for a blob that is not a key", () => {
    expect(algorithmOf(Buffer.from([0, 0]))).toBe("unknown");
    expect(algorithmOf(Buffer.from([0xff, 0, 0, 0, 1]))).toBe("unknown");
  });

  it("compares pasted fingerprints with or without padding", () => {
    expect(sameFingerprint("SHA256:abc", " SHA256:abc= ")).toBe(true);
    expect(sameFingerprint("SHA256:abc", "SHA256:abd")).toBe(false);
  });
});
