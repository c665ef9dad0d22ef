import { z } from "zod";
import { badInput } from "./errors";

// Allow-lists for every name and path that can reach a host. zod schemas guard the API
// edge; the assert* functions guard the argv builders again, so a builder called from
// anywhere still refuses a bad value before any command runs.

export const HOST_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const SSH_USER = /^[a-z_][a-z0-9_.-]{0,31}$/;
// A DNS name or an IPv4/IPv6 literal; no spaces, no leading dash (never an ssh option).
export const ADDRESS = /^(?!-)[A-Za-z0-9.:-]{1,253}$/;
export const SCRATCH_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// Absolute, no "..", no doubled slashes, only ordinary characters.
export const ABS_PATH = /^\/(?:[A-Za-z0-9._+-]+\/?)*$/;

function pathOk(value: string): boolean {
  return ABS_PATH.test(value) && !value.split("/").some((seg) => seg === ".." || seg === ".") && value.length <= 255;
}

export const ZHostName = z
  .string()
  .regex(HOST_NAME, "lowercase letters, digits and dashes, starting with a letter or digit (max 63)");
export const ZSshUser = z.string().regex(SSH_USER, "a Unix user name (letters, digits, _ . -)");
export const ZAddress = z.string().regex(ADDRESS, "a host name or IP address");
export const ZPort = z.number().int().min(1).max(65535);
export const ZScratchName = z
  .string()
  .regex(SCRATCH_NAME, "letters, digits, dot, dash and underscore, starting with a letter or digit");
export const ZAbsPath = z.string().refine(pathOk, "an absolute path without '..' or unusual characters");

export function assertMatches(field: string, value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw badInput(field, `"${value}" is not ${what}`);
  return value;
}

export function assertAbsPath(field: string, value: string): string {
  if (!pathOk(value)) throw badInput(field, `"${value}" is not an absolute path without '..'`);
  return value;
}

/** `path` lies strictly under one of `roots` (all absolute, without ".."). */
export function isUnderRoots(path: string, roots: readonly string[]): boolean {
  return roots.some((r) => path.startsWith(r.endsWith("/") ? r : `${r}/`));
}

/** The one check that a host path stays under the host's configured roots. */
export function assertUnderRoots(field: string, value: string, roots: readonly string[]): string {
  assertAbsPath(field, value);
  if (roots.length === 0) throw badInput(field, "the host has no configured roots");
  if (!isUnderRoots(value, roots)) throw badInput(field, `"${value}" is outside the host's roots (${roots.join(", ")})`);
  return value;
}
