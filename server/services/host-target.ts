import type { Db } from "../db";
import { unseal } from "../hosts/key-vault";
import type { SshTarget } from "../ssh/types";

/** The SSH target of an inventory host; the private key is unsealed only here, in memory. */
export async function hostTarget(db: Db, secret: Buffer, hostId: string): Promise<SshTarget> {
  const host = await db.host.findUniqueOrThrow({ where: { id: hostId } });
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
