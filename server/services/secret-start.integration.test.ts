import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { sealV1 } from "../test-support/seal-v1";
import { useTempDataDir } from "../test-support/temp-data";

// A database sealed before keys were bound to their host (v1, no AAD), on a real SQLite
// file with every migration applied: the start-up step re-seals each key as v2 bound to
// its host id, once; a key copied to another host row then fails to open; a wrong or
// missing secret is refused at start without rewriting anything.

let dir: string;
let m: Awaited<ReturnType<typeof load>>;

async function load() {
  const { db } = await import("../db");
  return {
    db,
    vault: await import("../hosts/key-vault"),
    start: await import("./secret-start"),
    target: await import("./host-target"),
    hosts: await import("./host-service"),
  };
}

async function addLegacyHost(name: string, sealed: string): Promise<string> {
  const row = await m.db.host.create({
    data: { name, address: "192.0.2.1", username: "root", sealedPrivateKey: sealed, publicKey: `ssh-ed25519 AAAA ${name}` },
  });
  return row.id;
}

beforeAll(async () => {
  dir = await useTempDataDir("labdeck-seal-");
  m = await load();
});

describe("sealed keys bound to their host", () => {
  it("migrates v1 keys on start, once; a key copied to another row no longer opens", async () => {
    // The old start: secret.key made, keys sealed without AAD.
    const secret = m.vault.loadOrCreateSecret({ dataDir: dir });
    const keyA = m.vault.generateKeyPair("a").privateKey;
    const keyB = m.vault.generateKeyPair("b").privateKey;
    const a = await addLegacyHost("legacy-a", sealV1(secret, keyA));
    const b = await addLegacyHost("legacy-b", sealV1(secret, keyB));
    // One row whose key was sealed with some other secret: reported, left alone, not fatal.
    const stray = await addLegacyHost("legacy-stray", sealV1(crypto.randomBytes(32), "other"));
    const strayBefore = (await m.db.host.findUniqueOrThrow({ where: { id: stray } })).sealedPrivateKey;

    const used = await m.start.startSecrets(m.db, { dataDir: dir });
    expect(used.equals(secret)).toBe(true);
    const rows = await m.db.host.findMany({ orderBy: { name: "asc" } });
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName["legacy-a"]?.sealedPrivateKey.startsWith("v2:")).toBe(true);
    expect(byName["legacy-b"]?.sealedPrivateKey.startsWith("v2:")).toBe(true);
    expect(byName["legacy-stray"]?.sealedPrivateKey).toBe(strayBefore);

    // The SSH target reads the re-sealed key for its own host.
    expect((await m.target.hostTarget(m.db, secret, a)).privateKey).toBe(keyA);
    expect((await m.target.hostTarget(m.db, secret, b)).privateKey).toBe(keyB);

    // A second start changes nothing.
    const again = await m.start.migrateSealedKeys(m.db, secret);
    expect(again.migrated).toEqual([]);
    expect(again.unreadable).toEqual(["legacy-stray"]);

    // Host A's sealed key written into host B's row (a database edit) is refused for B.
    await m.db.host.update({ where: { id: b }, data: { sealedPrivateKey: byName["legacy-a"]!.sealedPrivateKey } });
    await expect(m.target.hostTarget(m.db, secret, b)).rejects.toThrow(/cannot unseal/);
    await m.db.host.delete({ where: { id: stray } });
    await m.db.host.update({ where: { id: b }, data: { sealedPrivateKey: byName["legacy-b"]!.sealedPrivateKey } });
  });

  it("new hosts are sealed v2 for their own id", async () => {
    const secret = m.vault.loadOrCreateSecret({ dataDir: dir });
    const { privateKey } = m.vault.generateKeyPair("n");
    const deps = { db: m.db, ssh: { drop: () => undefined } as never, secret, actor: { userId: null, username: "t" } };
    const h = await m.hosts.createHost(deps, { name: "fresh", address: "192.0.2.2", key: { source: "paste", privateKey } });
    const row = await m.db.host.findUniqueOrThrow({ where: { id: h.id } });
    expect(row.sealedPrivateKey.startsWith("v2:")).toBe(true);
    expect(m.vault.unseal(secret, row.sealedPrivateKey, h.id)).toBe(privateKey);
  });

  it("refuses to start with a secret that opens none of the keys, and rewrites nothing", async () => {
    const before = await m.db.host.findMany({ select: { id: true, sealedPrivateKey: true }, orderBy: { id: "asc" } });
    await addLegacyHost("legacy-c", sealV1(m.vault.loadOrCreateSecret({ dataDir: dir }), "c"));
    const wrong = crypto.randomBytes(32).toString("hex");
    await expect(m.start.startSecrets(m.db, { dataDir: dir, envKey: wrong })).rejects.toThrow(
      /none of the \d+ sealed host key\(s\) opens with this secret key/,
    );
    const after = await m.db.host.findMany({
      select: { id: true, sealedPrivateKey: true },
      where: { id: { in: before.map((r) => r.id) } },
      orderBy: { id: "asc" },
    });
    expect(after).toEqual(before);
    expect((await m.db.host.findUniqueOrThrow({ where: { name: "legacy-c" } })).sealedPrivateKey.startsWith("v1:")).toBe(true);
  });

  it("refuses to start when secret.key is missing but keys are sealed, and makes no new one", async () => {
    const file = path.join(dir, "secret.key");
    fs.renameSync(file, `${file}.bak`);
    try {
      await expect(m.start.startSecrets(m.db, { dataDir: dir })).rejects.toThrow(
        /secret\.key is missing but the database holds \d+ sealed host key/,
      );
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      fs.renameSync(`${file}.bak`, file);
    }
    const report = await m.start.startSecrets(m.db, { dataDir: dir });
    expect(report.length).toBe(32);
    expect((await m.db.host.findUniqueOrThrow({ where: { name: "legacy-c" } })).sealedPrivateKey.startsWith("v2:")).toBe(true);
  });
});
