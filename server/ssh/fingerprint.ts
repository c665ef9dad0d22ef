// Host key fingerprints exactly as OpenSSH prints them ("SHA256:" + unpadded base64 of the
// SHA-256 of the key blob). Pinning compares these strings, so the format must stay
// byte-for-byte what `ssh-keygen -lf` shows an admin.
import { createHash } from "node:crypto";
import { trimTrailing } from "../names";
import type { HostKeyInfo } from "./types";

export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${trimTrailing(createHash("sha256").update(keyBlob).digest("base64"), "=")}`;
}

/** The blob starts with the algorithm name as an SSH string (uint32 length, bytes). */
export function algorithmOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return "unknown";
  const len = keyBlob.readUInt32BE(0);
  if (len === 0 || len > 64 || keyBlob.length < 4 + len) return "unknown";
  return keyBlob.subarray(4, 4 + len).toString("latin1");
}

export function hostKeyInfo(keyBlob: Buffer): HostKeyInfo {
  return { fingerprint: fingerprintOf(keyBlob), algorithm: algorithmOf(keyBlob) };
}

/** Tolerates a pasted fingerprint that kept base64 padding or surrounding spaces. */
export function sameFingerprint(a: string, b: string): boolean {
  const norm = (s: string) => trimTrailing(s.trim(), "=");
  return norm(a) === norm(b);
}
