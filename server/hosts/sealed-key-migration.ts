import type { Db } from "../db";
import { LabdeckError } from "../errors";
import { isLegacySealed, seal, unseal, unsealLegacy } from "./key-vault";

// At start: every host's sealed key is opened once. Keys still in the v1 envelope (sealed
// before keys were bound to their host) are re-sealed as v2 with the host id as AAD, each
// row only if it still holds the box that was read (a concurrent edit wins). If no key at
// all opens with this secret, the secret is the wrong one: start is refused, and nothing
// is rewritten. A single key that does not open is reported and left as it is: the host
// fails to connect with a clear error until someone gives it a new key, and the rest of
// the lab keeps working.

export interface SealedKeyReport {
  migrated: string[];
  unreadable: string[];
  total: number;
}

export async function migrateSealedKeys(db: Db, secret: Buffer): Promise<SealedKeyReport> {
  const hosts = await db.host.findMany({ select: { id: true, name: true, sealedPrivateKey: true } });
  const plan: { id: string; name: string; from: string; to: string }[] = [];
  const unreadable: string[] = [];
  for (const h of hosts) {
    try {
      if (isLegacySealed(h.sealedPrivateKey)) {
        plan.push({ id: h.id, name: h.name, from: h.sealedPrivateKey, to: seal(secret, unsealLegacy(secret, h.sealedPrivateKey), h.id) });
      } else {
        unseal(secret, h.sealedPrivateKey, h.id);
      }
    } catch {
      unreadable.push(h.name);
    }
  }
  if (hosts.length > 0 && unreadable.length === hosts.length) {
    throw new LabdeckError(
      "INTERNAL",
      `none of the ${hosts.length} sealed host key(s) opens with this secret key: LABDECK_SECRET_KEY or secret.key is not the one the database was sealed with. ` +
        "Restore the right one; nothing was changed",
    );
  }
  const migrated: string[] = [];
  await db.$transaction(async (tx) => {
    for (const p of plan) {
      const r = await tx.host.updateMany({ where: { id: p.id, sealedPrivateKey: p.from }, data: { sealedPrivateKey: p.to } });
      if (r.count === 1) migrated.push(p.name);
    }
  });
  return { migrated, unreadable, total: hosts.length };
}
