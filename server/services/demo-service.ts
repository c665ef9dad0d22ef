import { readFile } from "node:fs/promises";
import type { Db } from "../db";
import { auditEvent, type Actor } from "../audit/audit-writer";
import { LabdeckError } from "../errors";
import type { JobRunner } from "../jobs/job-runner";
import type { SshExecutor } from "../ssh/types";
import type { DemoHostLauncher } from "../hosts/demo-host-launcher";
import { seal, publicKeyFromPrivate } from "../hosts/key-vault";
import { startProbe } from "./job-service";

// The newcomer's demo host: an sshd in a network namespace on the Labdeck machine, made by
// the same harness the tests use, reached only through the launcher handed in (deps.demoHost).
// Labdeck made its host key itself, so the key is pinned without asking; a real host always
// goes through the fingerprint confirmation.

export const DEMO_HOST_NAME = "demo";

export interface DemoDeps {
  db: Db;
  ssh: SshExecutor;
  secret: Buffer;
  jobs: JobRunner;
  actor: Actor;
  demoHost: DemoHostLauncher;
}

export async function demoStatus(deps: DemoDeps) {
  const support = deps.demoHost.supported();
  const host = await deps.db.host.findUnique({ where: { name: DEMO_HOST_NAME } });
  if (!support.ok)
    return { supported: false as const, reason: support.reason ?? "not supported here", running: false, hostId: host?.id ?? null };
  const status = await deps.demoHost.status();
  return { supported: true as const, reason: null, running: status.running, hostId: host?.id ?? null };
}

export async function startDemo(deps: DemoDeps) {
  const support = deps.demoHost.supported();
  if (!support.ok) throw new LabdeckError("CONFLICT", `the demo host cannot run here: ${support.reason ?? "unsupported"}`);
  const info = await deps.demoHost.start();
  const privateKey = await readFile(info.privateKeyFile, "utf8");
  const data = {
    address: info.address,
    port: info.port,
    username: info.username,
    runDir: info.runDir,
    // The demo host shares this machine's filesystem: its "/etc" is a directory of its own.
    configRoot: `${info.runDir}/etc-root`,
    publicKey: publicKeyFromPrivate(privateKey, `labdeck@${DEMO_HOST_NAME}`),
    hostKeyFingerprint: info.hostKeyFingerprint,
    hostKeyPinnedAt: new Date(),
    hostKeyPinnedBy: deps.actor.username,
  };
  // Sealed bound to the row's id (known only after the upsert), in the same transaction.
  const host = await deps.db.$transaction(async (tx) => {
    const row = await tx.host.upsert({
      where: { name: DEMO_HOST_NAME },
      create: { name: DEMO_HOST_NAME, sealedPrivateKey: "", ...data },
      update: data,
    });
    return tx.host.update({ where: { id: row.id }, data: { sealedPrivateKey: seal(deps.secret, privateKey, row.id) } });
  });
  deps.ssh.drop(host.id);
  await auditEvent(deps.db, deps.actor, {
    kind: "inventory",
    action: "demo.start",
    hostId: host.id,
    hostName: host.name,
    details: { address: info.address, fingerprint: info.hostKeyFingerprint },
  });
  const { jobId } = await startProbe({ db: deps.db, jobs: deps.jobs, actor: deps.actor }, { hostId: host.id });
  return { hostId: host.id, probeJobId: jobId };
}

export async function stopDemo(deps: DemoDeps) {
  const host = await deps.db.host.findUnique({ where: { name: DEMO_HOST_NAME } });
  if (host) {
    const busy = await deps.db.job.count({ where: { hostId: host.id, status: { in: ["queued", "running"] } } });
    if (busy > 0) throw new LabdeckError("CONFLICT", `the demo host has ${busy} job(s) queued or running; wait or cancel them first`);
    deps.ssh.drop(host.id);
  }
  const { stopped } = await deps.demoHost.stop();
  if (host) await deps.db.host.delete({ where: { id: host.id } });
  await auditEvent(deps.db, deps.actor, {
    kind: "inventory",
    action: "demo.stop",
    hostId: host?.id ?? null,
    hostName: host?.name ?? null,
    details: { stopped },
  });
  return { stopped, removedFromInventory: host !== null };
}
