import type { Db } from "../db";
import { logger } from "../logger";
import { loadOrCreateSecret } from "./key-vault";
import { migrateSealedKeys } from "./sealed-key-migration";

// The secret's start-up, run by server/main.ts after migrations and before anything can
// unseal: secret.key is created only for a database without sealed keys, every sealed key
// is checked against it, and v1 boxes are re-sealed bound to their host.

export async function startSecrets(db: Db, opts: { dataDir: string; envKey?: string | undefined }): Promise<Buffer> {
  const sealedCount = await db.host.count();
  const secret = loadOrCreateSecret({ ...opts, allowCreate: sealedCount === 0, sealedCount });
  const report = await migrateSealedKeys(db, secret);
  if (report.migrated.length > 0) logger.info({ hosts: report.migrated }, "sealed host keys re-sealed bound to their host (v2)");
  if (report.unreadable.length > 0) {
    logger.error(
      { hosts: report.unreadable },
      "these hosts' sealed keys do not open with this secret key; give each a new key (Edit host) or restore the right secret",
    );
  }
  return secret;
}
