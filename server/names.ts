import { z } from "zod";
import { badInput } from "./errors";

// Allow-lists for every name and path that can reach a host. zod schemas guard the API
// edge; the assert* functions guard the argv builders again, so a builder called from
// anywhere still refuses a bad value before any command runs.
//
// What must not break: every pattern here runs in time linear in its input (no nested or
// adjacent overlapping quantifiers), and every check looks at the length first. Values
// reach these checks from users and from hosts (process command lines of any user on a
// managed host); one slow match blocks the single Node process, and with it every console,
// job and pending rollback. server/pattern-safety.test.ts holds every exported pattern to it.

export const HOST_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const SSH_USER = /^[a-z_][a-z0-9_.-]{0,31}$/;
// A DNS name or an IPv4/IPv6 literal; no spaces, no leading dash (never an ssh option).
export const ADDRESS = /^(?!-)[A-Za-z0-9.:-]{1,253}$/;
export const SCRATCH_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// Absolute, only ordinary characters; ".." and "." segments are refused by pathOk. Each
// segment ends at a slash that the segment's class cannot contain, so there is exactly one
// way to split a path: `(?:[…]+\/?)*` instead would try every split of a long segment.
export const ABS_PATH = /^\/(?:[A-Za-z0-9._+-]+\/)*[A-Za-z0-9._+-]*$/;

/** Longest path any check accepts (PATH_MAX is larger, but no path of ours comes close). */
export const MAX_PATH_LENGTH = 255;
/** Length gate for assertMatches when the caller names none: far above any allowed name. */
export const MAX_CHECKED_LENGTH = 1024;

function pathOk(value: string): boolean {
  return value.length <= MAX_PATH_LENGTH && ABS_PATH.test(value) && !value.split("/").some((seg) => seg === ".." || seg === ".");
}

/** A value as it may appear in an error message: a refused value can be megabytes long. */
export function shown(value: string, max = 80): string {
  return value.length > max ? `${value.slice(0, max)}… (${value.length} characters)` : value;
}

/**
 * A string schema that checks the length before the pattern (`abort`: zod would otherwise
 * run the pattern on a value already refused as too long).
 */
export function patternString(pattern: RegExp, maxLength: number, message: string) {
  return z.string().max(maxLength, { message, abort: true }).regex(pattern, message);
}

/** `value` without trailing `char`s; a loop, because `/c+$/` is quadratic on a long run of c. */
export function trimTrailing(value: string, char: string): string {
  let end = value.length;
  while (end > 0 && value[end - 1] === char) end--;
  return value.slice(0, end);
}

export const ZHostName = patternString(HOST_NAME, 63, "lowercase letters, digits and dashes, starting with a letter or digit (max 63)");
export const ZSshUser = patternString(SSH_USER, 32, "a Unix user name (letters, digits, _ . -)");
export const ZAddress = patternString(ADDRESS, 253, "a host name or IP address");
export const ZPort = z.number().int().min(1).max(65535);
export const ZScratchName = patternString(SCRATCH_NAME, 64, "letters, digits, dot, dash and underscore, starting with a letter or digit");
export const ZAbsPath = z
  .string()
  .max(MAX_PATH_LENGTH, { message: `an absolute path of at most ${MAX_PATH_LENGTH} characters`, abort: true })
  .refine(pathOk, "an absolute path without '..' or unusual characters");
/** A database id (cuid) as the API receives it. */
export const ZRecordId = z.string().min(1).max(64);

export function assertMatches(field: string, value: string, pattern: RegExp, what: string, maxLength = MAX_CHECKED_LENGTH): string {
  if (value.length > maxLength || !pattern.test(value)) throw badInput(field, `"${shown(value)}" is not ${what}`);
  return value;
}

export function assertAbsPath(field: string, value: string): string {
  if (!pathOk(value)) throw badInput(field, `"${shown(value)}" is not an absolute path without '..'`);
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
