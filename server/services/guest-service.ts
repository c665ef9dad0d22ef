import type { Db } from "../db";
import { auditEvent, type Actor } from "../audit/audit-writer";
import { LabdeckError, badInput } from "../errors";
import { DEFAULT_HYPERVISOR } from "../../lib/guest-states";
import { normaliseMac } from "../../lib/mac";
import {
  definitionOf,
  hypervisorFor,
  readableDefinitionOf,
  type AnyHypervisor,
  type GuestDefinition,
  type GuestDefinitionInput,
} from "../hypervisors/registry";
import { createdImagesOf } from "./guest-images";
import { guestHostOf } from "./guest-host";

// The guest inventory: definitions are validated against their host (roots, forward
// addresses) and the whole inventory (MACs: guests on different hosts can share a bridged
// segment), and versioned, so two people editing one guest get a conflict instead of one
// silently overwriting the other. What must not break: the MAC check and the write are in
// one transaction, so two saves at once cannot both take the same address.

export interface GuestDeps {
  db: Db;
  actor: Actor;
}

type HostRow = Parameters<typeof guestHostOf>[0];
/** The client or a transaction: both read and write guests the same way. */
type DbTx = Pick<Db, "guest">;
type GuestRow = {
  id: string;
  hostId: string;
  name: string;
  hypervisor: string;
  definitionJson: string;
  version: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  createdImagesJson: string | null;
};

export function toGuestView(g: GuestRow, host: { name: string; runDir: string }) {
  const { hv, def } = definitionOf(g);
  return {
    id: g.id,
    hostId: g.hostId,
    hostName: host.name,
    name: g.name,
    hypervisor: hv.kind,
    version: g.version,
    definition: def,
    files: hv.files(host.runDir, g.name),
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
    const read = readableDefinitionOf(g);
    if (read === null) continue;
    for (const n of read.hv.definition.nics(read.def)) if (n.mac) out.set(normaliseMac(n.mac), `${g.name} on ${g.host.name}`);
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
export function checkDefinition(hv: AnyHypervisor, host: HostRow, input: unknown): GuestDefinition {
  const parsed = hv.definition.schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badInput(`definition.${issue?.path.join(".") ?? ""}`, issue?.message ?? "invalid");
  }
  // The start runs the same check: what is saved here can be started (definition-checks.ts).
  return hv.definition.check(parsed.data, guestHostOf(host));
}

/** TAP names other guests of the host use (explicit or generated): a second user of one breaks both. */
async function checkTapsFree(db: DbTx, hv: AnyHypervisor, hostId: string, def: GuestDefinition, exceptGuestId?: string): Promise<void> {
  const guests = await db.guest.findMany({ where: { hostId, ...(exceptGuestId ? { id: { not: exceptGuestId } } : {}) } });
  const owners = new Map<string, string>();
  for (const g of guests) {
    const read = readableDefinitionOf(g);
    if (read) for (const n of read.hv.definition.nics(read.def)) if (n.tap !== null) owners.set(n.tap, g.name);
  }
  hv.definition.nics(def).forEach(({ tap }, i) => {
    const owner = tap === null ? undefined : owners.get(tap);
    if (owner !== undefined)
      throw badInput(`definition.nics.${i}.network.ifname`, `TAP ${tap} is already used by guest ${owner} on this host`);
  });
}

/** Fills in generated MACs, unique across the inventory as `db` (or a transaction) sees it. */
async function assignMacs(db: DbTx, hv: AnyHypervisor, def: GuestDefinition, exceptGuestId?: string): Promise<GuestDefinition> {
  const inUse = await macsInUse(db, exceptGuestId);
  hv.definition.nics(def).forEach((n, i) => {
    const owner = n.mac ? inUse.get(normaliseMac(n.mac)) : undefined;
    if (owner !== undefined) throw badInput(`definition.nics.${i}.mac`, `${n.mac} is already used by ${owner}`);
  });
  return hv.definition.withMacs(def, inUse.keys());
}

/** Validates a definition for a host and fills in generated MACs (for previews; saving does this in its transaction). */
export async function prepareDefinition(
  db: Db,
  hv: AnyHypervisor,
  host: HostRow,
  input: unknown,
  exceptGuestId?: string,
): Promise<GuestDefinition> {
  const def = checkDefinition(hv, host, input);
  await checkTapsFree(db, hv, host.id, def, exceptGuestId);
  return assignMacs(db, hv, def, exceptGuestId);
}

export async function createGuest(
  deps: GuestDeps,
  input: { hostId: string; hypervisor?: string | undefined; definition: GuestDefinitionInput | Record<string, unknown> },
): Promise<GuestView> {
  const hv = hypervisorFor(input.hypervisor ?? DEFAULT_HYPERVISOR);
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: input.hostId } });
  const checked = checkDefinition(hv, host, input.definition);
  const { guest, def } = await deps.db.$transaction(async (tx) => {
    await checkTapsFree(tx, hv, host.id, checked);
    const def = await assignMacs(tx, hv, checked);
    if (await tx.guest.findUnique({ where: { hostId_name: { hostId: host.id, name: def.name } } })) {
      throw new LabdeckError("CONFLICT", `definition.name: ${host.name} already has a guest named "${def.name}"`, {
        field: "definition.name",
      });
    }
    const guest = await tx.guest.create({
      data: { hostId: host.id, name: def.name, hypervisor: hv.kind, definitionJson: JSON.stringify(def), createdBy: deps.actor.username },
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
  input: { id: string; version: number; definition: GuestDefinitionInput | Record<string, unknown> },
): Promise<GuestView> {
  const guest = await deps.db.guest.findUniqueOrThrow({ where: { id: input.id }, include: { host: true } });
  const hv = hypervisorFor(guest.hypervisor);
  const checked = checkDefinition(hv, guest.host, input.definition);
  if (checked.name !== guest.name)
    throw badInput("definition.name", "a guest cannot be renamed (its files on the host are named after it)");
  const def = await deps.db.$transaction(async (tx) => {
    await checkTapsFree(tx, hv, guest.hostId, checked, guest.id);
    const def = await assignMacs(tx, hv, checked, guest.id);
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
