import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import ssh2 from "ssh2";
import { prepareDataDir } from "../data-dir";
import { LabdeckError, badInput } from "../errors";

// Private keys are sealed with AES-256-GCM before they touch the database. The key comes
// from LABDECK_SECRET_KEY or `<data>/secret.key` (created with mode 600). Losing that file
// makes stored host keys unreadable: back it up with the database.
//
// Do not break:
// - a sealed key is bound to its host row: the host id is GCM's additional authenticated
//   data (envelope "v2"), so a sealed key copied into another host's row does not open,
//   and a database write cannot make Labdeck use host A's key against host B;
// - a secret that is malformed, group/other accessible, or missing while the database
//   holds sealed keys is refused at start, never used as it is or replaced by a new one.
//   Envelope "v1" (no AAD) is opened only by the start-up migration (sealed-key-migration.ts).

const VERSION = "v2";
const LEGACY_VERSION = "v1";
const SECRET_HEX = /^[0-9a-f]{64}$/i;
// ssh2 is CommonJS and Node's ESM loader cannot see `utils` as a named export.
const { utils } = ssh2;

function refuse(message: string): LabdeckError {
  return new LabdeckError("INTERNAL", message);
}

/** Reads secret.key without following a symlink, and refuses it unless it is ours, 0600 or tighter, and 64 hex characters. */
function readSecretFile(file: string): Buffer | null {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "ELOOP") throw refuse(`${file} is a symbolic link; put the key file itself there (mode 600)`);
    throw err;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw refuse(`${file} is not a regular file`);
    const uid = process.getuid?.();
    if (uid !== undefined && st.uid !== uid) throw refuse(`${file} belongs to uid ${st.uid}, not to the uid Labdeck runs as (${uid})`);
    if ((st.mode & 0o077) !== 0) {
      const mode = (st.mode & 0o777).toString(8).padStart(4, "0");
      throw refuse(
        `${file} is readable or writable by group or others (mode ${mode}); run chmod 600 ${file} (and consider the key exposed)`,
      );
    }
    const text = fs.readFileSync(fd, "utf8");
    const hex = text.endsWith("\n") ? text.slice(0, -1) : text;
    if (!SECRET_HEX.test(hex)) {
      throw refuse(
        `${file} must hold exactly 64 hex characters (32 bytes) and an optional newline; it holds ${text.length} characters. Restore it from your backup`,
      );
    }
    return Buffer.from(hex, "hex");
  } finally {
    fs.closeSync(fd);
  }
}

export interface SecretOptions {
  dataDir: string;
  envKey?: string | undefined;
  /**
   * Whether a missing secret.key may be created. False when the database already holds
   * sealed keys: a new secret would make every one of them unreadable.
   */
  allowCreate?: boolean;
  /** For the refusal message: how many sealed keys are at stake. */
  sealedCount?: number;
}

export function loadOrCreateSecret(opts: SecretOptions): Buffer {
  if (opts.envKey !== undefined) {
    if (!SECRET_HEX.test(opts.envKey))
      throw refuse(`LABDECK_SECRET_KEY must be 64 hex characters (32 bytes); it has ${opts.envKey.length}`);
    return Buffer.from(opts.envKey, "hex");
  }
  const file = path.join(opts.dataDir, "secret.key");
  prepareDataDir(opts.dataDir);
  const existing = readSecretFile(file);
  if (existing) return existing;
  if (opts.allowCreate === false) {
    throw refuse(
      `${file} is missing but the database holds ${opts.sealedCount ?? "some"} sealed host key(s) that only it opens; ` +
        "restore it from your backup (or set LABDECK_SECRET_KEY). Labdeck does not make a new one over existing keys",
    );
  }
  const key = crypto.randomBytes(32);
  fs.writeFileSync(file, `${key.toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  return key;
}

function aad(hostId: string): Buffer {
  if (hostId.length === 0) throw refuse("a sealed key needs the id of its host");
  return Buffer.from(`labdeck:host-key:${hostId}`, "utf8");
}

/** Seals a host's private key, bound to that host's id. */
export function seal(secret: Buffer, plaintext: string, hostId: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", secret, iv);
  cipher.setAAD(aad(hostId));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString("base64"), tag.toString("base64"), body.toString("base64")].join(":");
}

function open(secret: Buffer, parts: { iv: string; tag: string; body: string }, hostId: string | null): string {
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", secret, Buffer.from(parts.iv, "base64"));
    if (hostId !== null) decipher.setAAD(aad(hostId));
    decipher.setAuthTag(Buffer.from(parts.tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(parts.body, "base64")), decipher.final()]).toString("utf8");
  } catch (cause) {
    throw new LabdeckError(
      "INTERNAL",
      "cannot unseal the host's private key (wrong LABDECK_SECRET_KEY or secret.key, or a key sealed for another host?)",
      { cause },
    );
  }
}

function split(sealed: string): { version: string; iv: string; tag: string; body: string } | null {
  const [version, iv, tag, body, ...rest] = sealed.split(":");
  if (!version || !iv || !tag || !body || rest.length > 0) return null;
  return { version, iv, tag, body };
}

/** Opens a key sealed for `hostId`; a key sealed for another host, or in the old format, is refused. */
export function unseal(secret: Buffer, sealed: string, hostId: string): string {
  const parts = split(sealed);
  if (parts?.version === LEGACY_VERSION)
    throw refuse("the host's private key is still in the old sealed format (v1); restart Labdeck to migrate it");
  if (!parts || parts.version !== VERSION) throw refuse("sealed key has an unknown format");
  return open(secret, parts, hostId);
}

export function isLegacySealed(sealed: string): boolean {
  return split(sealed)?.version === LEGACY_VERSION;
}

/** The start-up migration only: opens a v1 box (no host binding). */
export function unsealLegacy(secret: Buffer, sealed: string): string {
  const parts = split(sealed);
  if (!parts || parts.version !== LEGACY_VERSION) throw refuse("not a v1 sealed key");
  return open(secret, parts, null);
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
