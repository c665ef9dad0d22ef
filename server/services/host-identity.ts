import { LabdeckError } from "../errors";

// A host as the rest of Labdeck trusts and names it: the one "host key not confirmed"
// check (nothing reads or changes a host over SSH before a person pinned its key
// fingerprint) and the one label plans and previews print for it.

/** Throws HOST_KEY_UNKNOWN unless the host has a pinned fingerprint; `hint` adds what to do about it. */
export function requireConfirmedHostKey(
  host: { name: string; hostKeyFingerprint: string | null | undefined },
  opts: { hint?: boolean } = {},
): void {
  if (host.hostKeyFingerprint) return;
  const hint = opts.hint ? "; confirm its fingerprint first" : "";
  throw new LabdeckError("HOST_KEY_UNKNOWN", `host ${host.name} has no confirmed host key yet${hint}`);
}

/** How a plan's script and preview name the host it runs on: user@address:port (name). */
export function hostLabel(host: { username: string; address: string; port: number; name: string }): string {
  return `${host.username}@${host.address}:${host.port} (${host.name})`;
}
