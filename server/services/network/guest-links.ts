import { z } from "zod";
import { definitionOf, type GuestDefinition } from "../../hypervisors/registry";
import { badInput } from "../../errors";
import type { THostNetwork } from "../../network/network-model";
import { ZIfName, type TNetOp } from "../../network/ops";
import type { GuestNetworkView } from "./network-read";

// "Drag a guest NIC onto a bridge" is an inventory edit (the NIC becomes a TAP on that
// bridge in the guest's definition) plus, for a guest that runs with that TAP now, moving
// the TAP on the host. A stopped guest's TAP is made by its start plan, so nothing is
// created on the host for it here; a running guest on user-mode networking cannot change
// NIC type live, so its edit takes effect at the next start, and the preview says so.

export const ZGuestLink = z.object({
  guestId: z.string().min(1).max(64),
  nic: z.number().int().min(0).max(7),
  /** null: back to user-mode networking (detached from any bridge). */
  bridge: ZIfName.nullable(),
});
export type TGuestLink = z.infer<typeof ZGuestLink>;

export interface GuestEdit {
  guestId: string;
  name: string;
  version: number;
  definition: GuestDefinition;
  summary: string;
}

export function guestLinkEdits(
  links: readonly TGuestLink[],
  guests: readonly GuestNetworkView[],
  definitions: ReadonlyMap<string, { hypervisor: string; definitionJson: string }>,
  projected: THostNetwork,
): { edits: GuestEdit[]; ops: TNetOp[] } {
  const edits = new Map<string, GuestEdit>();
  const ops: TNetOp[] = [];
  const bridges = new Set(projected.bridges.map((b) => b.name));
  links.forEach((link, i) => {
    const guest = guests.find((g) => g.id === link.guestId);
    if (!guest) throw badInput(`guestLinks.${i}.guestId`, "no such guest on this host");
    const nic = guest.nics[link.nic];
    if (!nic) throw badInput(`guestLinks.${i}.nic`, `guest ${guest.name} has no NIC ${link.nic}`);
    if (link.bridge !== null && !bridges.has(link.bridge))
      throw badInput(`guestLinks.${i}.bridge`, `no bridge ${link.bridge} on the host (after this change)`);
    const row = definitions.get(guest.id);
    if (!row) throw badInput(`guestLinks.${i}.guestId`, "no such guest on this host");
    const { hv, def } = definitionOf(row);
    const edit =
      edits.get(guest.id) ??
      ({ guestId: guest.id, name: guest.name, version: guest.version, definition: def, summary: "" } satisfies GuestEdit);
    if (!hv.definition.nics(edit.definition)[link.nic]) throw badInput(`guestLinks.${i}.nic`, `guest ${guest.name} has no NIC ${link.nic}`);
    // The kind decides what "off its bridge" means (QEMU: user-mode with restrict=on).
    edit.definition = hv.definition.relinkNic(edit.definition, link.nic, link.bridge);
    const tapLive = guest.running && nic.tap !== null && projected.links.some((l) => l.name === nic.tap);
    let when = "";
    if (tapLive && nic.tap) {
      ops.push(link.bridge === null ? { op: "port.detach", port: nic.tap } : { op: "port.attach", port: nic.tap, bridge: link.bridge });
    } else if (guest.running) {
      when = " (takes effect when the guest next starts: a running guest cannot change its NIC type)";
    } else {
      when = " (its TAP is made when the guest starts)";
    }
    const what = link.bridge === null ? `NIC ${link.nic} back to user-mode networking` : `NIC ${link.nic} on bridge ${link.bridge}`;
    edit.summary = edit.summary ? `${edit.summary}; ${what}${when}` : `${guest.name}: ${what}${when}`;
    edits.set(guest.id, edit);
  });
  return { edits: [...edits.values()], ops };
}
