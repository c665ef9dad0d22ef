import type { Db } from "../db";
import { auditEvent, type Actor } from "../audit/audit-writer";
import type { Role } from "../../lib/roles";
import { LabdeckError, badInput } from "../errors";
import { DEFAULT_CONFIG_ROOT, DEFAULT_RUN_DIR, listedRoots, rootsProblemOf } from "../hosts/host-roots";
import { generateKeyPair, publicKeyFromPrivate, seal } from "../hosts/key-vault";
import { ZHostCapabilities } from "../hosts/probe/capabilities";
import { capabilityFacts, capabilityRows, capabilitySummary } from "../hosts/probe/matrix";
import type { SshExecutor } from "../ssh/types";
import { ZCreateHostInput, ZUpdateHostInput, type TCreateHostInput, type TUpdateHostInput } from "./host-service.schema";

// Inventory of managed hosts. A host is usable only after its SSH host key is pinned: the
// user confirms the fingerprint Labdeck saw, and later mismatches are refused by the pool.

export interface HostDeps {
  db: Db;
  ssh: SshExecutor;
  secret: Buffer;
  actor: Actor;
  /**
   * The caller's role: the roots of a host (run dir, storage roots, persistence root) are
   * an admin's to choose. Absent counts as not an admin, so a new caller cannot forget it open.
   */
  role?: Role | undefined;
}

type RootField = "runDir" | "storageRoots" | "configRoot" | "qemuRunAs";

/**
 * The roots bound where Labdeck writes as root on the host, so only an admin sets them;
 * the router's operator role is enough for everything else about a host. Checked here,
 * not only in the form, so any caller of the service gets the same answer.
 */
function assertMayChangeRoot(deps: HostDeps, field: RootField): void {
  if (deps.role !== "admin") {
    throw new LabdeckError(
      "FORBIDDEN",
      `${field}: only an admin may change a host's run directory, storage roots, persistence root or QEMU user`,
      { field },
    );
  }
}

/** The API shape of a host: never the sealed key, and the capabilities parsed. */
export function toHostView(host: {
  id: string;
  name: string;
  address: string;
  port: number;
  username: string;
  publicKey: string;
  hostKeyFingerprint: string | null;
  hostKeyPinnedAt: Date | null;
  hostKeyPinnedBy: string | null;
  runDir: string;
  storageRoots: string;
  configRoot: string;
  qemuRunAs?: string | null;
  probeJson: string | null;
  probedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}) {
  const parsed = host.probeJson ? ZHostCapabilities.safeParse(JSON.parse(host.probeJson)) : null;
  const caps = parsed?.success ? parsed.data : null;
  return {
    id: host.id,
    name: host.name,
    address: host.address,
    port: host.port,
    username: host.username,
    publicKey: host.publicKey,
    hostKeyFingerprint: host.hostKeyFingerprint,
    hostKeyPinnedAt: host.hostKeyPinnedAt,
    hostKeyPinnedBy: host.hostKeyPinnedBy,
    runDir: host.runDir,
    storageRoots: JSON.parse(host.storageRoots) as string[],
    configRoot: host.configRoot,
    qemuRunAs: host.qemuRunAs ?? "",
    effectiveRoots: listedRoots(host),
    /** Set when a root stored before today's rules would be refused (an admin must change it). */
    rootsProblem: rootsProblemOf(host),
    capabilities: caps,
    capabilityFacts: caps ? capabilityFacts(caps) : null,
    capabilityRows: caps ? capabilityRows(caps) : null,
    capabilitySummary: caps ? capabilitySummary(caps) : null,
    probedAt: host.probedAt,
    createdAt: host.createdAt,
    updatedAt: host.updatedAt,
  };
}
export type HostView = ReturnType<typeof toHostView>;

async function assertNameFree(db: Db, name: string, exceptId?: string): Promise<void> {
  const other = await db.host.findUnique({ where: { name } });
  if (other && other.id !== exceptId) throw new LabdeckError("CONFLICT", `name: a host named "${name}" already exists`, { field: "name" });
}

export async function createHost(deps: HostDeps, input: TCreateHostInput): Promise<HostView> {
  const i = ZCreateHostInput.parse(input);
  if (i.runDir !== DEFAULT_RUN_DIR) assertMayChangeRoot(deps, "runDir");
  if (i.storageRoots.length > 0) assertMayChangeRoot(deps, "storageRoots");
  if (i.configRoot !== DEFAULT_CONFIG_ROOT) assertMayChangeRoot(deps, "configRoot");
  if (i.qemuRunAs !== "") assertMayChangeRoot(deps, "qemuRunAs");
  await assertNameFree(deps.db, i.name);
  const comment = `labdeck@${i.name}`;
  const pair =
    i.key.source === "generate"
      ? generateKeyPair(comment)
      : { privateKey: i.key.privateKey, publicKey: publicKeyFromPrivate(i.key.privateKey, comment) };
  // The key is sealed bound to the host id, which exists only once the row does: the row
  // and its sealed key are written in one transaction, never seen with the placeholder.
  const host = await deps.db.$transaction(async (tx) => {
    const row = await tx.host.create({
      data: {
        name: i.name,
        address: i.address,
        port: i.port,
        username: i.username,
        runDir: i.runDir,
        storageRoots: JSON.stringify(i.storageRoots),
        configRoot: i.configRoot,
        qemuRunAs: i.qemuRunAs === "" ? null : i.qemuRunAs,
        sealedPrivateKey: "",
        publicKey: pair.publicKey,
      },
    });
    return tx.host.update({ where: { id: row.id }, data: { sealedPrivateKey: seal(deps.secret, pair.privateKey, row.id) } });
  });
  await auditEvent(deps.db, deps.actor, {
    kind: "inventory",
    action: "host.create",
    hostId: host.id,
    hostName: host.name,
    details: { address: host.address, port: host.port, username: host.username, key: i.key.source },
  });
  return toHostView(host);
}

export async function updateHost(deps: HostDeps, input: TUpdateHostInput): Promise<HostView> {
  const i = ZUpdateHostInput.parse(input);
  const before = await deps.db.host.findUniqueOrThrow({ where: { id: i.id } });
  if (i.name) await assertNameFree(deps.db, i.name, i.id);
  const data: Record<string, unknown> = {};
  for (const field of ["name", "address", "port", "username", "runDir", "configRoot"] as const) {
    if (i[field] !== undefined && i[field] !== before[field]) data[field] = i[field];
  }
  if (i.storageRoots !== undefined && JSON.stringify(i.storageRoots) !== before.storageRoots)
    data.storageRoots = JSON.stringify(i.storageRoots);
  if (i.qemuRunAs !== undefined && (i.qemuRunAs || null) !== before.qemuRunAs) data.qemuRunAs = i.qemuRunAs || null;
  // Only a change needs the role: the form sends the roots back unchanged for an operator.
  for (const field of ["runDir", "storageRoots", "configRoot", "qemuRunAs"] as const) if (field in data) assertMayChangeRoot(deps, field);
  if (i.key) {
    const comment = `labdeck@${i.name ?? before.name}`;
    const pair =
      i.key.source === "generate"
        ? generateKeyPair(comment)
        : { privateKey: i.key.privateKey, publicKey: publicKeyFromPrivate(i.key.privateKey, comment) };
    data.sealedPrivateKey = seal(deps.secret, pair.privateKey, i.id);
    data.publicKey = pair.publicKey;
  }
  if (Object.keys(data).length === 0) return toHostView(before);
  const host = await deps.db.host.update({ where: { id: i.id }, data });
  deps.ssh.drop(host.id);
  const changed = Object.keys(data)
    .map((k) => (k === "sealedPrivateKey" ? "privateKey" : k))
    .filter((k) => k !== "publicKey");
  await auditEvent(deps.db, deps.actor, {
    kind: "inventory",
    action: "host.update",
    hostId: host.id,
    hostName: host.name,
    details: { changed },
  });
  return toHostView(host);
}

export async function removeHost(deps: HostDeps, input: { id: string }): Promise<void> {
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: input.id } });
  const busy = await deps.db.job.count({ where: { hostId: host.id, status: { in: ["queued", "running"] } } });
  if (busy > 0) throw new LabdeckError("CONFLICT", `host ${host.name} has ${busy} job(s) queued or running; wait or cancel them first`);
  const guests = await deps.db.guest.count({ where: { hostId: host.id } });
  if (guests > 0) throw new LabdeckError("CONFLICT", `host ${host.name} still has ${guests} guest(s) in the inventory; delete them first`);
  deps.ssh.drop(host.id);
  await deps.db.host.delete({ where: { id: host.id } });
  await auditEvent(deps.db, deps.actor, { kind: "inventory", action: "host.remove", hostId: host.id, hostName: host.name });
}

/** What the host presents now, beside what is pinned; connects but never authenticates. */
export async function scanHostKey(deps: HostDeps, input: { id: string }) {
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: input.id } });
  const seen = await deps.ssh.fetchHostKey(host.address, host.port);
  return {
    presented: seen.fingerprint,
    algorithm: seen.algorithm,
    pinned: host.hostKeyFingerprint,
    matches: seen.fingerprint === host.hostKeyFingerprint,
  };
}

/**
 * Pins the fingerprint the user confirmed. The host is scanned again and must present that
 * very key, so a key swapped between "show" and "confirm" is not pinned. Replacing an
 * existing pin is the admin's re-pin (the router enforces the role).
 */
export async function pinHostKey(deps: HostDeps, input: { id: string; fingerprint: string; repin: boolean }): Promise<HostView> {
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: input.id } });
  if (host.hostKeyFingerprint && !input.repin) {
    throw new LabdeckError("CONFLICT", `host ${host.name} already has a pinned key; re-pinning is an admin action`);
  }
  const seen = await deps.ssh.fetchHostKey(host.address, host.port);
  if (seen.fingerprint !== input.fingerprint) {
    throw badInput(
      "fingerprint",
      `the host now presents ${seen.fingerprint}, not the ${input.fingerprint} you confirmed; nothing was pinned`,
    );
  }
  const updated = await deps.db.host.update({
    where: { id: host.id },
    data: { hostKeyFingerprint: seen.fingerprint, hostKeyPinnedAt: new Date(), hostKeyPinnedBy: deps.actor.username },
  });
  deps.ssh.drop(host.id);
  await auditEvent(deps.db, deps.actor, {
    kind: "inventory",
    action: input.repin && host.hostKeyFingerprint ? "host.repin" : "host.pin",
    hostId: host.id,
    hostName: host.name,
    details: { fingerprint: seen.fingerprint, previous: host.hostKeyFingerprint },
  });
  return toHostView(updated);
}

/**
 * The host's most recent finished probe, so a failed one shows on the host page with its
 * error (the stored capabilities stay the last good result).
 */
export async function lastProbe(db: Db, hostId: string) {
  const job = await db.job.findFirst({
    where: { hostId, kind: "probe", status: { notIn: ["queued", "running"] } },
    orderBy: { createdAt: "desc" },
    select: { id: true, status: true, error: true, finishedAt: true },
  });
  return job === null ? null : { jobId: job.id, status: job.status, error: job.error, finishedAt: job.finishedAt };
}
