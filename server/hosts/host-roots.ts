import { assertConfigRoot, assertRunDir, assertStorageRoot } from "../root-checks";

// A host row's roots: the defaults a new host gets, the list as stored, and the list every
// host path is checked against (each root checked again by ../root-checks.ts, which says
// which directories may be roots and why).

export const DEFAULT_RUN_DIR = "/var/lib/labdeck";
export const DEFAULT_CONFIG_ROOT = "/";

/** The roots as stored, unchecked: for showing a host, never for bounding a path. */
export function listedRoots(host: { runDir: string; storageRoots: string }): string[] {
  const roots = JSON.parse(host.storageRoots) as unknown;
  const list = Array.isArray(roots) ? roots.filter((r): r is string => typeof r === "string") : [];
  return list.length > 0 ? list : [`${host.runDir.replace(/\/$/, "")}/images`];
}

/**
 * The roots every host path is checked against, each checked again: a row stored before
 * these rules (a storage root "/", a run dir "/etc") is refused here rather than trusted.
 */
export function effectiveRoots(host: { runDir: string; storageRoots: string }): string[] {
  assertRunDir("runDir", host.runDir);
  const list = listedRoots(host);
  list.forEach((r, i) => assertStorageRoot(`storageRoots.${i}`, r));
  return list;
}

/** Why the stored roots would be refused, for the host page; null when they are fine. */
export function rootsProblemOf(host: { runDir: string; storageRoots: string; configRoot: string }): string | null {
  try {
    effectiveRoots(host);
    assertConfigRoot("configRoot", host.configRoot);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
