import type { Db } from "../db";
import { auditEvent, type Actor } from "../audit/audit-writer";
import { LabdeckError, badInput } from "../errors";
import { ZGuestDefinition, guestRunFiles, type TGuestDefinition, type TGuestDefinitionInput } from "../hypervisors/qemu/guest-definition";
import { checkStartable, resolveAccelFor, type DefinitionHost } from "../hypervisors/qemu/definition-checks";
import { guestTapNames, nicTapName } from "../hypervisors/qemu/guest-plans";
import { fillMacs, normaliseMac } from "../hypervisors/qemu/mac";
import { effectiveRoots } from "../hosts/host-roots";
import { ZHostCapabilities, type THostCapabilities } from "../hosts/probe/capabilities";

export { checkDefinitionPaths } from "../hypervisors/qemu/definition-checks";
import { createdImagesOf } from "./guest-images";

// The guest inventory: definitions are validated against their host (roots, forward
// addresses) and the whole inventory (MACs: guests on different hosts can share a bridged
// segment), and versioned, so two people editing one guest get a conflict instead of one
// silently overwriting the other. What must not break: the MAC check and the write are in
// one transaction, so two saves at once cannot both take the same address.

export interface GuestDeps {
  db: Db;
  actor: Actor;
}

type HostRow = { id: string; name: string; address: string; runDir: string; storageRoots: string; probeJson: string | null };
/** The client or a transaction: both read and write guests the same way. */
type DbTx = Pick<Db, "guest">;
type GuestRow = {
  id: string;
  hostId: string;
  name: string;
  definitionJson: string;
  version: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  createdImagesJson: string | null;
};

/** Where images, ISOs and kernels may live on a host; `<runDir>/images` when none are set. */
export function hostRoots(host: { runDir: string; storageRoots: string }): string[] {
  return effectiveRoots(host);
}

/** The host's stored probe, or null when it was never probed or no longer parses. */
export function probeOf(host: { probeJson: string | null }): THostCapabilities | null {
  if (!host.probeJson) return null;
  const caps = ZHostCapabilities.safeParse(JSON.parse(host.probeJson));
  return caps.success ? caps.data : null;
}

/** KVM only where the host's probe booted a kernel with it; "auto" never guesses. */
export function resolveAccel(def: TGuestDefinition, host: { probeJson: string | null }): "kvm" | "tcg" {
  return resolveAccelFor(def, probeOf(host));
}

/** The host as the one definition check sees it (definition-checks.ts). */
export function definitionHost(host: { address: string; runDir: string; storageRoots: string; probeJson: string | null }): DefinitionHost {
  return { address: host.address, runDir: host.runDir, roots: hostRoots(host), probe: probeOf(host) };
}

export function toGuestView(g: GuestRow, host: { name: string; runDir: string }) {
  return {
    id: g.id,
    hostId: g.hostId,
    hostName: host.name,
    name: g.name,
    version: g.version,
    definition: ZGuestDefinition.parse(JSON.parse(g.definitionJson)),
    files: guestRunFiles(host.runDir, g.name),
    /** Images Labdeck made for this guest: what "delete with images" may remove. */
    createdImages: createdImagesOf(g),
    createdBy: g.createdBy,
    createdAt: g.createdAt,
    updatedAt: g.updatedAt,
  };
}
export type GuestView = ReturnType<typeof toGuestView>;

async function macsInUse(db: DbTx, exceptGuestId?: string): Promise<Map<string, string>> {
  const guests = await db.guest.findMany({
    where: exceptGuestId ? { id: { not: exceptGuestId } } : {},
    include: { host: { select: { name: true } } },
  });
  const out = new Map<string, string>();
  for (const g of guests) {
    const parsed = ZGuestDefinition.safeParse(JSON.parse(g.definitionJson));
    if (!parsed.success) continue;
    for (const n of parsed.data.nics) if (n.mac) out.set(normaliseMac(n.mac), `${g.name} on ${g.host.name}`);
  }
  return out;
}

/**
 * Validates a definition for a host (no database): the schema, then every refusal a start
 * makes from the definition and the host row (roots, formats, MACs, forwards, bridge and
 * TAP names, kernel boot, accel and architecture against the probe). A forward without an
 * address binds the host's management address, when that is an IPv4 literal. Throws
 * BAD_INPUT naming the field.
 */
export function checkDefinition(host: HostRow, input: TGuestDefinitionInput): TGuestDefinition {
  const parsed = ZGuestDefinition.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badInput(`definition.${issue?.path.join(".") ?? ""}`, issue?.message ?? "invalid");
  }
  // The start runs the same check: what is saved here can be started (definition-checks.ts).
  return checkStartable(parsed.data, definitionHost(host));
}

/** TAP names other guests of the host use (explicit or generated): a second user of one breaks both. */
async function checkTapsFree(db: DbTx, hostId: string, def: TGuestDefinition, exceptGuestId?: string): Promise<void> {
  const guests = await db.guest.findMany({ where: { hostId, ...(exceptGuestId ? { id: { not: exceptGuestId } } : {}) } });
  const owners = new Map<string, string>();
  for (const g of guests) {
    const parsed = ZGuestDefinition.safeParse(JSON.parse(g.definitionJson));
    if (parsed.success) for (const t of guestTapNames(parsed.data)) owners.set(t, g.name);
  }
  def.nics.forEach((_, i) => {
    const tap = nicTapName(def, i);
    const owner = tap === null ? undefined : owners.get(tap);
    if (owner !== undefined)
      throw badInput(`definition.nics.${i}.network.ifname`, `TAP ${tap} is already used by guest ${owner} on this host`);
  });
}

/** Fills in generated MACs, unique across the inventory as `db` (or a transaction) sees it. */
async function assignMacs(db: DbTx, def: TGuestDefinition, exceptGuestId?: string): Promise<TGuestDefinition> {
  const inUse = await macsInUse(db, exceptGuestId);
  def.nics.forEach((n, i) => {
    const owner = n.mac ? inUse.get(normaliseMac(n.mac)) : undefined;
    if (owner !== undefined) throw badInput(`definition.nics.${i}.mac`, `${n.mac} is already used by ${owner}`);
  });
  const macs = fillMacs(def.nics, inUse.keys());
  return { ...def, nics: def.nics.map((n, i) => ({ ...n, mac: macs[i] })) };
}

/** Validates a definition for a host and fills in generated MACs (for previews; saving does this in its transaction). */
export async function prepareDefinition(
  db: Db,
  host: HostRow,
  input: TGuestDefinitionInput,
  exceptGuestId?: string,
): Promise<TGuestDefinition> {
  const def = checkDefinition(host, input);
  await checkTapsFree(db, host.id, def, exceptGuestId);
  return assignMacs(db, def, exceptGuestId);
}

export async function createGuest(deps: GuestDeps, input: { hostId: string; definition: TGuestDefinitionInput }): Promise<GuestView> {
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: input.hostId } });
  const checked = checkDefinition(host, input.definition);
  const { guest, def } = await deps.db.$transaction(async (tx) => {
    await checkTapsFree(tx, host.id, checked);
    const def = await assignMacs(tx, checked);
    if (await tx.guest.findUnique({ where: { hostId_name: { hostId: host.id, name: def.name } } })) {
      throw new LabdeckError("CONFLICT", `definition.name: ${host.name} already has a guest named "${def.name}"`, {
        field: "definition.name",
      });
    }
    const guest = await tx.guest.create({
      data: { hostId: host.id, name: def.name, definitionJson: JSON.stringify(def), createdBy: deps.actor.username },
    });
    return { guest, def };
  });
  await auditEvent(deps.db, deps.actor, {
    kind: "inventory",
    action: "guest.create",
    hostId: host.id,
    hostName: host.name,
    details: { guest: def.name, definition: def },
  });
  return toGuestView(guest, host);
}

/** Saves a new definition only if nobody saved since `version` was read. */
export async function updateGuest(
  deps: GuestDeps,
  input: { id: string; version: number; definition: TGuestDefinitionInput },
): Promise<GuestView> {
  const guest = await deps.db.guest.findUniqueOrThrow({ where: { id: input.id }, include: { host: true } });
  const checked = checkDefinition(guest.host, input.definition);
  if (checked.name !== guest.name)
    throw badInput("definition.name", "a guest cannot be renamed (its files on the host are named after it)");
  const def = await deps.db.$transaction(async (tx) => {
    await checkTapsFree(tx, guest.hostId, checked, guest.id);
    const def = await assignMacs(tx, checked, guest.id);
    const res = await tx.guest.updateMany({
      where: { id: guest.id, version: input.version },
      data: { definitionJson: JSON.stringify(def), version: { increment: 1 } },
    });
    if (res.count === 0) {
      const now = await tx.guest.findUniqueOrThrow({ where: { id: guest.id } });
      throw new LabdeckError(
        "CONFLICT",
        `guest ${guest.name} was changed by someone else (version ${now.version}, you edited version ${input.version}); reload and apply your edit again`,
        {
          // Both versions, so the page can say which edit was refused and offer to reload.
          details: { currentVersion: now.version, editedVersion: input.version },
        },
      );
    }
    return def;
  });
  await auditEvent(deps.db, deps.actor, {
    kind: "inventory",
    action: "guest.update",
    hostId: guest.hostId,
    hostName: guest.host.name,
    details: { guest: guest.name, fromVersion: input.version, definition: def },
  });
  const saved = await deps.db.guest.findUniqueOrThrow({ where: { id: guest.id } });
  return toGuestView(saved, guest.host);
}

export async function listGuests(db: Db, input: { hostId?: string | undefined }): Promise<GuestView[]> {
  const guests = await db.guest.findMany({
    where: input.hostId ? { hostId: input.hostId } : {},
    include: { host: true },
    orderBy: [{ hostId: "asc" }, { name: "asc" }],
  });
  return guests.map((g) => toGuestView(g, g.host));
}

export async function getGuest(db: Db, id: string): Promise<GuestView> {
  const g = await db.guest.findUniqueOrThrow({ where: { id }, include: { host: true } });
  return toGuestView(g, g.host);
}
