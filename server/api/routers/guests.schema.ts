import { z } from "zod";
import { HYPERVISOR_KINDS } from "../../../lib/guest-states";
import { ZAbsPath, ZRecordId } from "../../names";
import { ZGuestAction } from "../../services/guest-actions";

const id = ZRecordId;
// The definition is validated by the service against its host (roots, MACs), which names
// the failing field; here only its outer shape is checked.
const ZDefinitionInput = z.record(z.string().max(64), z.unknown());
/** Left out: the default kind (QEMU); a kind this Labdeck does not run is refused by the service. */
const ZKind = z.enum(HYPERVISOR_KINDS).optional();

export const ZGuestIdInput = z.object({ id });
export const ZListGuestsInput = z.object({ hostId: id.optional() }).default({});
// A page polls the guests it shows (the list: the rows on screen); duplicates are read once
// (readGuestStates). Sent as POST (components/trpc-provider.tsx), so the bound is the
// schema's, not the URL's; a page with more ids asks in chunks (use-guest-states.ts).
export const MAX_STATE_IDS = 200;
export const ZGuestStatesInput = z.object({ ids: z.array(id).max(MAX_STATE_IDS) });
export { ZGuestPageInput } from "../../services/guest-list";
export const ZCreateGuestInput = z.object({ hostId: id, hypervisor: ZKind, definition: ZDefinitionInput });
export const ZUpdateGuestInput = z.object({ id, version: z.number().int().min(1), definition: ZDefinitionInput });
export const ZPreviewDefinitionInput = z.object({ hostId: id, hypervisor: ZKind, definition: ZDefinitionInput });
export const ZGuestActionInput = z.object({ id, action: ZGuestAction, removeImages: z.boolean().optional() });
/** With a host, the import also says what that host forces (KVM its probe ruled out). */
export const ZImportInput = z.object({ text: z.string().min(1).max(20_000), hypervisor: ZKind, hostId: id.optional() });
export const ZHostIdInput = z.object({ hostId: id });
/** The hosts whose guests a list shows (a page of a paged list spans a few). */
export const ZWatchAddressesInput = z.object({ hostIds: z.array(id).min(1).max(100) });
export const ZReadImageFormatInput = z.object({ hostId: id, path: ZAbsPath });
export const ZSerialLogInput = z.object({ id, before: z.number().int().min(0).optional() });
export const ZSerialSearchInput = z.object({ id, term: z.string().min(1).max(200) });
