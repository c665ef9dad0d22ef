import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateKeyPair, loadOrCreateSecret, publicKeyFromPrivate, seal, unseal } from "./key-vault";

describe("key vault", () => {
  it("seals and unseals; the sealed text does not contain the key", () => {
    const secret = crypto.randomBytes(32);
    const { privateKey } = generateKeyPair("t");
    const sealed = seal(secret, privateKey);
    expect(sealed).not.toContain("PRIVATE KEY");
    expect(sealed).not.toContain(privateKey.split("\n")[1]);
    expect(unseal(secret, sealed)).toBe(privateKey);
  });

  it("refuses a wrong secret or a tampered box", () => {
    const sealed = seal(crypto.randomBytes(32), "x".repeat(100));
    expect(() => unseal(crypto.randomBytes(32), sealed)).toThrow(/cannot unseal/);
    const parts = sealed.split(":");
    parts[3] = Buffer.from("tampered").toString("base64");
    expect(() => unseal(crypto.randomBytes(32), parts.join(":"))).toThrow(/cannot unseal/);
  });

  it("creates secret.key with mode 600 once and reuses it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vault-"));
    const a = loadOrCreateSecret({ dataDir: dir });
    expect(fs.statSync(path.join(dir, "secret.key")).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecret({ dataDir: dir }).equals(a)).toBe(true);
    expect(loadOrCreateSecret({ dataDir: dir, envKey: "ab".repeat(32) }).toString("hex")).toBe("ab".repeat(32));
  });

  it("derives the public key of a pasted private key and refuses junk", () => {
    const pair = generateKeyPair("c");
    expect(publicKeyFromPrivate(pair.privateKey, "c").split(" ").slice(0, 2)).toEqual(pair.publicKey.split(" ").slice(0, 2));
    expect(() => publicKeyFromPrivate("-----BEGIN NONSENSE-----", "c")).toThrow(/privateKey/);
  });
});
