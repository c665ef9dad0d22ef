// The guest kinds Labdeck can run, and the one way a service finds a guest's: by the row's
// `hypervisor` column. A kind named in lib/guest-states.ts but not listed here (Xen, UML
// until their folders exist) is refused with a clear error, never treated as QEMU.
import { HYPERVISOR_KINDS } from "../../lib/guest-states";
import { badInput, LabdeckError } from "../errors";
import type { Hypervisor } from "./contract";
import { qemu } from "./qemu";
import type { GuestRunFiles, TGuestDefinition, TGuestDefinitionInput } from "./qemu/guest-definition";

/** A definition of any kind Labdeck runs (a union as kinds are added). */
export type GuestDefinition = TGuestDefinition;
export type GuestDefinitionInput = TGuestDefinitionInput;
export type GuestKindFiles = GuestRunFiles;
export type AnyHypervisor = Hypervisor<GuestDefinition, GuestDefinitionInput, GuestKindFiles>;

const KINDS: ReadonlyMap<string, AnyHypervisor> = new Map([[qemu.kind, qemu]]);

/** The kind a guest row names; refuses, naming `field`, a kind this Labdeck does not run. */
export function hypervisorFor(kind: string, field = "hypervisor"): AnyHypervisor {
  const hv = KINDS.get(kind);
  if (hv !== undefined) return hv;
  if ((HYPERVISOR_KINDS as readonly string[]).includes(kind)) {
    throw new LabdeckError("BAD_INPUT", `${field}: this Labdeck cannot run ${kind} guests yet`, { field });
  }
  throw badInput(field, `"${kind.slice(0, 40)}" is not a hypervisor (${HYPERVISOR_KINDS.join(", ")})`);
}

/** A stored guest's kind and definition; throws for a row this version cannot read. */
export function definitionOf(row: { hypervisor: string; definitionJson: string }): { hv: AnyHypervisor; def: GuestDefinition } {
  const hv = hypervisorFor(row.hypervisor);
  return { hv, def: hv.definition.schema.parse(JSON.parse(row.definitionJson)) };
}

/**
 * The same, or null for a row that no longer parses (or of a kind not run here): what
 * lists and inventory-wide checks use, so one bad row never hides the others.
 */
export function readableDefinitionOf(row: {
  hypervisor: string;
  definitionJson: string;
}): { hv: AnyHypervisor; def: GuestDefinition } | null {
  const hv = KINDS.get(row.hypervisor);
  if (hv === undefined) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(row.definitionJson);
  } catch {
    return null;
  }
  const parsed = hv.definition.schema.safeParse(raw);
  return parsed.success ? { hv, def: parsed.data } : null;
}
