import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dataDirProblem, prepareDataDir } from "../data-dir";
import { parseEnv } from "../env";
import { sealV1 } from "../test-support/seal-v1";
import { generateKeyPair, isLegacySealed, loadOrCreateSecret, publicKeyFromPrivate, seal, unseal, unsealLegacy } from "./key-vault";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "vault-"));
}

function withSecretFile(content: string, mode = 0o600): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "secret.key"), content, { mode });
  fs.chmodSync(path.join(dir, "secret.key"), mode);
  return dir;
}

describe("key vault", () => {
  it("seals and unseals for the same host; the sealed text does not contain the key", () => {
    const secret = crypto.randomBytes(32);
    const { privateKey } = generateKeyPair("t");
    const sealed = seal(secret, privateKey, "host-a");
    expect(sealed.startsWith("v2:")).toBe(true);
    expect(sealed).not.toContain("PRIVATE KEY");
    expect(sealed).not.toContain(privateKey.split("\n")[1]);
    expect(unseal(secret, sealed, "host-a")).toBe(privateKey);
  });

  it("a key sealed for one host does not open for another (the host id is the AAD)", () => {
    const secret = crypto.randomBytes(32);
    const sealed = seal(secret, "private", "host-a");
    expect(() => unseal(secret, sealed, "host-b")).toThrow(/cannot unseal/);
    expect(() => unseal(secret, sealed, "")).toThrow();
  });

  it("refuses a wrong secret, a tampered box, and the old v1 envelope outside the migration", () => {
    const secret = crypto.randomBytes(32);
    const sealed = seal(secret, "x".repeat(100), "h");
    expect(() => unseal(crypto.randomBytes(32), sealed, "h")).toThrow(/cannot unseal/);
    const parts = sealed.split(":");
    parts[3] = Buffer.from("tampered").toString("base64");
    expect(() => unseal(secret, parts.join(":"), "h")).toThrow(/cannot unseal/);
    const v1 = sealV1(secret, "old");
    expect(isLegacySealed(v1)).toBe(true);
    expect(() => unseal(secret, v1, "h")).toThrow(/old sealed format/);
    expect(unsealLegacy(secret, v1)).toBe("old");
  });

  it("creates the data directory 0700 and secret.key 0600 once, then reuses it", () => {
    const dir = path.join(tempDir(), "data");
    const a = loadOrCreateSecret({ dataDir: dir });
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, "secret.key")).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecret({ dataDir: dir }).equals(a)).toBe(true);
    expect(loadOrCreateSecret({ dataDir: dir, envKey: "ab".repeat(32) }).toString("hex")).toBe("ab".repeat(32));
  });

  it.each([0o644, 0o640, 0o604, 0o660, 0o602, 0o666])("refuses secret.key with mode %o instead of using it", (mode) => {
    const dir = withSecretFile(`${"ab".repeat(32)}\n`, mode);
    expect(() => loadOrCreateSecret({ dataDir: dir })).toThrow(/group or others \(mode 0\d+\); run chmod 600/);
  });

  it.each([
    ["empty", ""],
    ["short", "ab".repeat(16)],
    ["long", "ab".repeat(33)],
    ["not hex", "zz".repeat(32)],
    ["spaces", ` ${"ab".repeat(32)}`],
    ["two lines", `${"ab".repeat(32)}\n${"cd".repeat(32)}\n`],
    ["CRLF", `${"ab".repeat(32)}\r\n`],
  ])("refuses a %s secret.key instead of using or replacing it", (_kind, content) => {
    const dir = withSecretFile(content);
    expect(() => loadOrCreateSecret({ dataDir: dir })).toThrow(/must hold exactly 64 hex characters/);
    expect(fs.readFileSync(path.join(dir, "secret.key"), "utf8")).toBe(content);
  });

  it("refuses a symlinked secret.key", () => {
    const dir = tempDir();
    const real = withSecretFile(`${"ab".repeat(32)}\n`);
    fs.symlinkSync(path.join(real, "secret.key"), path.join(dir, "secret.key"));
    expect(() => loadOrCreateSecret({ dataDir: dir })).toThrow(/symbolic link/);
  });

  it("does not make a new secret.key over a database that holds sealed keys", () => {
    const dir = tempDir();
    expect(() => loadOrCreateSecret({ dataDir: dir, allowCreate: false, sealedCount: 3 })).toThrow(
      /missing but the database holds 3 sealed host key/,
    );
    expect(fs.existsSync(path.join(dir, "secret.key"))).toBe(false);
  });

  it.each([
    ["short", "ab".repeat(31)],
    ["long", "ab".repeat(33)],
    ["empty", ""],
    ["not hex", "g".repeat(64)],
  ])("refuses a %s LABDECK_SECRET_KEY", (_kind, key) => {
    expect(() => loadOrCreateSecret({ dataDir: tempDir(), envKey: key })).toThrow(/LABDECK_SECRET_KEY must be 64 hex characters/);
    expect(() => parseEnv({ LABDECK_SECRET_KEY: key })).toThrow(/LABDECK_SECRET_KEY: must be 64 hex characters/);
  });

  it("refuses a data directory others can read or write, and says how to fix it", () => {
    for (const [mode, what] of [
      [0o755, "readable"],
      [0o750, "readable"],
      [0o777, "writable"],
      [0o770, "writable"],
    ] as const) {
      const dir = tempDir();
      fs.chmodSync(dir, mode);
      expect(dataDirProblem(dir)).toMatch(new RegExp(`is ${what} by group or others .*chmod 700`));
      expect(() => prepareDataDir(dir)).toThrow(/data directory refused/);
      expect(() => loadOrCreateSecret({ dataDir: dir })).toThrow(/data directory refused/);
      expect(fs.existsSync(path.join(dir, "secret.key"))).toBe(false);
    }
    expect(dataDirProblem(tempDir())).toBeNull();
  });

  it("derives the public key of a pasted private key and refuses junk", () => {
    const pair = generateKeyPair("c");
    expect(publicKeyFromPrivate(pair.privateKey, "c").split(" ").slice(0, 2)).toEqual(pair.publicKey.split(" ").slice(0, 2));
    expect(() => publicKeyFromPrivate("-----BEGIN NONSENSE-----", "c")).toThrow(/privateKey/);
  });
});
