import { LabdeckError } from "../errors";
import { isLegacySealed, seal, unseal, unsealLegacy } from "./key-vault";

// At start: every host's sealed key is opened once. Keys still in the v1 envelope (sealed
// before keys were bound to their host) are re-sealed as v2 with the host id as AAD, each
// row only if it still holds the box that was read (a concurrent edit wins). If no key at
// all opens with this secret, the secret is the wrong one: start is refused, and nothing
// is rewritten. A single key that does not open is reported and left as it is: the host
// fails to connect with a clear error until someone gives it a new key, and the rest of
// the lab keeps working. This module decides; services/secret-start.ts reads and writes
// the rows.

export interface SealedKeyReport {
  migrated: string[];
  unreadable: string[];
  total: number;
}

export interface SealedKeyRow {
  id: string;
  name: string;
  sealedPrivateKey: string;
}

/** One re-seal: write `to` only where the row still holds `from`. */
export interface SealedKeyRewrite {
  id: string;
  name: string;
  from: string;
  to: string;
}

/** The rewrites the rows need and the names whose key does not open; throws when none opens (the wrong secret). */
export function planSealedKeyMigration(secret: Buffer, hosts: readonly SealedKeyRow[]): { plan: SealedKeyRewrite[]; unreadable: string[] } {
  const plan: SealedKeyRewrite[] = [];
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
  return { plan, unreadable };
}
