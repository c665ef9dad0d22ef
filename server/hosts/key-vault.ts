import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import ssh2 from "ssh2";
import { LabdeckError, badInput } from "../errors";

// Private keys are sealed with AES-256-GCM before they touch the database. The key comes
// from LABDECK_SECRET_KEY or `<data>/secret.key` (created with mode 600). Losing that file
// makes stored host keys unreadable: back it up with the database.

const VERSION = "v1";
// ssh2 is CommonJS and Node's ESM loader cannot see `utils` as a named export.
const { utils } = ssh2;

export function loadOrCreateSecret(opts: { dataDir: string; envKey?: string | undefined }): Buffer {
  if (opts.envKey) return Buffer.from(opts.envKey, "hex");
  const file = path.join(opts.dataDir, "secret.key");
  try {
    const hex = fs.readFileSync(file, "utf8").trim();
    return Buffer.from(hex, "hex");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const key = crypto.randomBytes(32);
  fs.writeFileSync(file, `${key.toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  return key;
}

export function seal(secret: Buffer, plaintext: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", secret, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString("base64"), tag.toString("base64"), body.toString("base64")].join(":");
}

export function unseal(secret: Buffer, sealed: string): string {
  const [version, iv, tag, body] = sealed.split(":");
  if (version !== VERSION || !iv || !tag || !body) throw new LabdeckError("INTERNAL", "sealed key has an unknown format");
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", secret, Buffer.from(iv, "base64"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
  } catch (cause) {
    throw new LabdeckError("INTERNAL", "cannot unseal the host's private key (wrong LABDECK_SECRET_KEY or secret.key?)", { cause });
  }
}

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

export function generateKeyPair(comment: string): KeyPair {
  const pair = utils.generateKeyPairSync("ed25519", { comment });
  return { privateKey: pair.private, publicKey: pair.public };
}

/** Checks a pasted private key and derives its public half; refuses encrypted keys. */
export function publicKeyFromPrivate(privateKey: string, comment: string): string {
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error) throw badInput("privateKey", `not a usable private key (${parsed.message})`);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || !key.isPrivateKey()) throw badInput("privateKey", "this is not a private key");
  const blob = key.getPublicSSH();
  return `${key.type} ${Buffer.from(blob).toString("base64")} ${comment}`;
}
