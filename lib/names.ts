import { z } from "zod";

// Name patterns both sides check: the browser to say what is wrong while the user types,
// the server at the API edge and again in every argv builder. One pattern per kind of
// name, so a name one form accepts is never refused by another (a bridge the network
// editor made must be usable as a guest NIC's bridge).
//
// What must not break: every pattern runs in time linear in its input (no nested or
// adjacent overlapping quantifiers); server/pattern-safety.test.ts holds them to it.

/**
 * A Linux interface name (bridge, TAP, any link): IFNAMSIZ allows at most 15 characters.
 * No leading "-" or ".", so a name never reads as an option, and "." / ".." are impossible.
 */
export const IFNAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,14}$/;
/** An interface match in an iptables rule: an interface name, optionally ending in "+" (iptables' prefix wildcard: "tap+"). */
export const IFNAME_MATCH = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,14}\+?$/;
export const IFNAME_MESSAGE = "an interface name of at most 15 characters (letters, digits, _ . : -)";

export function isIfName(v: string): boolean {
  return IFNAME.test(v);
}

/** An iptables user chain: letters, digits, _ and -, at most 29 characters. */
/** A guest's name, whatever runs it: a domain or process name, a file name, a URL part. */
export const GUEST_NAME = /^[a-z][a-z0-9-]{0,31}$/;
export const GUEST_NAME_MESSAGE = "lowercase letters, digits and dashes, starting with a letter (max 32)";

export const CHAIN_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,28}$/;

/** A routing table name as rt_tables holds it. */
export const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

/** A Unix user or group name, or a numeric id (a TAP's owner). */
export const UNIX_NAME = /^([a-z_][a-z0-9_-]{0,31}|\d{1,10})$/;

/** LVM VG/LV names: letters, digits and _ . + -; not starting with "-"; "." and ".." are refused by ZLvmName. */
export const LVM_NAME = /^[A-Za-z0-9_+][A-Za-z0-9_.+-]{0,62}$/;
// LVM reserves these for its own sub-volumes and refuses them (lvcreate(8), "VALID NAMES").
const RESERVED_PARTS = [
  "_cdata",
  "_cmeta",
  "_corig",
  "_mlog",
  "_mimage",
  "_pmspare",
  "_rimage",
  "_rmeta",
  "_tdata",
  "_tmeta",
  "_vorigin",
  "_vdata",
];

export const ZLvmName = z
  .string()
  .regex(LVM_NAME, "a name of letters, digits and _ . + - (at most 63, not starting with -)")
  .refine((n) => n !== "." && n !== "..", "not . or ..")
  .refine((n) => !n.startsWith("snapshot") && !n.startsWith("pvmove"), "names starting with snapshot or pvmove are reserved by LVM")
  .refine((n) => !RESERVED_PARTS.some((p) => n.includes(p)), "names containing _cdata, _tmeta, _rimage and the like are reserved by LVM");

/** A routing table as a form takes it: a number or a name (the server checks the number's range). */
export function isTableRefText(v: string): boolean {
  return /^\d+$/.test(v) || TABLE_NAME.test(v);
}
