import crypto from "node:crypto";

// The v1 envelope exactly as Labdeck wrote it before sealed keys were bound to their host
// (no additional authenticated data): what an existing database holds before migration.

export function sealV1(secret: Buffer, plaintext: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", secret, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(":");
}
