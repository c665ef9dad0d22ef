import { z } from "zod";
import { badInput } from "./errors";
import { ZAbsPath, assertAbsPath, trimTrailing } from "./names";

// Which directories of a host Labdeck may treat as its own. Storage roots bound every
// image, ISO and kernel path (images are created, converted, grown and removed there as
// root); the run directory holds guests' sockets, logs and network snapshots, and is
// `<runDir>/images` when no storage root is set; the persistence root prefixes
// /etc/network/interfaces.d/labdeck and friends. A root of `/` or `/etc` would make
// "create an image at /etc/shadow" a path check that passes.
//
// Refused for storage roots and the run directory:
// - `/`, and any path equal to or under a system tree (SYSTEM_TREES), or containing one
//   (`/var/lib` holds dpkg's database, so it is refused while `/var/lib/labdeck` is not);
// - `/run` and `/var/run`: tmpfs, emptied at boot and sized from RAM, beside the sockets
//   of sshd and systemd. Guests' images and serial logs and the network snapshots that a
//   rollback needs must outlive a reboot, so Labdeck's files never live there;
// - exactly `/tmp`, `/var/tmp`, `/home`: shared by every local user (world-writable, or
//   every user's ~/.ssh), where a planted symlink turns a root-owned write into a write
//   anywhere. A directory below them (`/tmp/lab1`, `/home/alice/images`) is fine.
// The persistence root is `/` on a real host (the files belong in /etc); any other value
// follows the same rules as a storage root.
//
// Do not break: changing any of these is an admin action (host-service.ts), and the
// check runs again where the roots are used, so a row written before it is refused too.
// Here, beside names.ts, because more than one subject module checks a root (hosts/ for
// the stored roots, network/persist/ for the persistence root).

const SYSTEM_TREES = [
  "/etc",
  "/usr",
  "/boot",
  "/dev",
  "/proc",
  "/sys",
  "/root",
  "/bin",
  "/sbin",
  "/run",
  "/var/run",
  "/var/lib/dpkg",
  "/var/lib/apt",
  "/var/cache/apt",
];
// /lib and its multilib and libexec siblings.
const LIB_TREE = /^\/lib(32|64|x32|exec)?$/;
const TOO_BROAD = new Set(["/tmp", "/var/tmp", "/home"]);

function trimmed(path: string): string {
  return path.length > 1 ? trimTrailing(path, "/") : path;
}

function within(path: string, tree: string): boolean {
  return path === tree || path.startsWith(`${tree}/`);
}

/** Why `path` may not be a storage root or run directory; null when it may. */
export function rootProblem(path: string): string | null {
  const p = trimmed(path);
  if (p === "/") return "the whole filesystem cannot be a root";
  const top = `/${p.split("/")[1] ?? ""}`;
  if (LIB_TREE.test(top)) return `${top} is a system directory`;
  for (const tree of SYSTEM_TREES) {
    if (within(p, tree)) return `${tree} is a system directory`;
    if (within(tree, p)) return `it contains the system directory ${tree}`;
  }
  if (TOO_BROAD.has(p)) return `${p} is shared by every user of the host; use a directory below it`;
  return null;
}

export function configRootProblem(path: string): string | null {
  return trimmed(path) === "/" ? null : rootProblem(path);
}

function check(field: string, path: string, problem: (p: string) => string | null): string {
  assertAbsPath(field, path);
  const why = problem(path);
  if (why !== null) throw badInput(field, `"${path}" cannot be used: ${why}`);
  return path;
}

export function assertStorageRoot(field: string, path: string): string {
  return check(field, path, rootProblem);
}

export function assertRunDir(field: string, path: string): string {
  return check(field, path, rootProblem);
}

export function assertConfigRoot(field: string, path: string): string {
  return check(field, path, configRootProblem);
}

function refineWith(problem: (p: string) => string | null) {
  return (value: string, ctx: z.RefinementCtx) => {
    const why = problem(value);
    if (why !== null) ctx.addIssue({ code: "custom", message: `"${value}" cannot be used: ${why}` });
  };
}

export const ZStorageRoot = ZAbsPath.superRefine(refineWith(rootProblem));
export const ZRunDir = ZAbsPath.superRefine(refineWith(rootProblem));
export const ZConfigRoot = ZAbsPath.superRefine(refineWith(configRootProblem));
