import type { Db } from "../db";
import { unseal } from "../hosts/key-vault";
import type { SshTarget } from "../ssh/types";

// The SSH target of an inventory host; the private key is unsealed only here, in memory.
// Callers that already hold the host row (a start loads guest and host once) build the
// target from it instead of reading the row again. Whoever keeps a target beyond one call
// (the job runner keeps one per running job) must drop it when the SSH pool drops the
// host's connection (SshPool.onDrop): that happens wherever a host's address, user, key or
// pinned fingerprint changes, or the host is removed. What must not break: no target outlives such a
// change, so a job never connects with a key or pin the inventory no longer holds.

type HostRow = {
  id: string;
  name: string;
  address: string;
  port: number;
  username: string;
  sealedPrivateKey: string;
  hostKeyFingerprint: string | null;
};

export function targetOfHost(secret: Buffer, host: HostRow): SshTarget {
  return {
    hostId: host.id,
    name: host.name,
    address: host.address,
    port: host.port,
    username: host.username,
    privateKey: unseal(secret, host.sealedPrivateKey, host.id),
    pinnedFingerprint: host.hostKeyFingerprint,
  };
}

export async function hostTarget(db: Db, secret: Buffer, hostId: string): Promise<SshTarget> {
  return targetOfHost(secret, await db.host.findUniqueOrThrow({ where: { id: hostId } }));
}
