import type { Db } from "../db";
import { logger } from "../logger";
import { loadOrCreateSecret } from "../hosts/key-vault";
import { planSealedKeyMigration, type SealedKeyReport } from "../hosts/sealed-key-migration";

// The secret's start-up, run by server/main.ts after migrations and before anything can
// unseal: secret.key is created only for a database without sealed keys, every sealed key
// is checked against it, and v1 boxes are re-sealed bound to their host
// (hosts/sealed-key-migration.ts decides which; this module reads and writes the rows).

/** Re-seals the v1 keys as v2 in one transaction, each row only if it still holds the box that was read. */
export async function migrateSealedKeys(db: Db, secret: Buffer): Promise<SealedKeyReport> {
  const hosts = await db.host.findMany({ select: { id: true, name: true, sealedPrivateKey: true } });
  const { plan, unreadable } = planSealedKeyMigration(secret, hosts);
  const migrated: string[] = [];
  await db.$transaction(async (tx) => {
    for (const p of plan) {
      const r = await tx.host.updateMany({ where: { id: p.id, sealedPrivateKey: p.from }, data: { sealedPrivateKey: p.to } });
      if (r.count === 1) migrated.push(p.name);
    }
  });
  return { migrated, unreadable, total: hosts.length };
}

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
