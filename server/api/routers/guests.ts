import { createGuest, getGuest, listGuests, updateGuest } from "../../services/guest-service";
import { importCommandLine, previewDefinition, readWizardImageFormat } from "../../services/guest-wizard";
import { previewGuestAction, runGuestAction } from "../../services/guest-actions";
import { readGuestStates } from "../../services/guest-state";
import { pageGuests } from "../../services/guest-list";
import { serialLogPage, serialLogSearch, unmanagedGuests } from "../../services/guest-reads";
import { readGuestAddresses } from "../../services/guest-addresses";
import { watchGuestAddresses } from "../../services/guest-addresses-live";
import { issueConsoleTicket } from "../../services/console-ticket";
import { serviceDeps } from "../service-deps";
import { operatorProcedure, router, viewerProcedure, withSessionEnd } from "../trpc";
import {
  ZCreateGuestInput,
  ZGuestActionInput,
  ZGuestIdInput,
  ZGuestPageInput,
  ZGuestStatesInput,
  ZHostIdInput,
  ZImportInput,
  ZListGuestsInput,
  ZPreviewDefinitionInput,
  ZReadImageFormatInput,
  ZSerialLogInput,
  ZSerialSearchInput,
  ZUpdateGuestInput,
  ZWatchAddressesInput,
} from "./guests.schema";

export const guestsRouter = router({
  list: viewerProcedure.input(ZListGuestsInput).query(({ ctx, input }) => listGuests(ctx.db, input)),
  /** One page of the guest list, filtered and sorted on the server (services/guest-list.ts). */
  page: viewerProcedure.input(ZGuestPageInput).query(({ ctx, input }) => pageGuests(ctx.rt, input)),
  get: viewerProcedure.input(ZGuestIdInput).query(({ ctx, input }) => getGuest(ctx.db, input.id)),
  states: viewerProcedure.input(ZGuestStatesInput).query(({ ctx, input }) => readGuestStates(serviceDeps(ctx), input.ids)),
  create: operatorProcedure
    .input(ZCreateGuestInput)
    .mutation(({ ctx, input }) => createGuest(serviceDeps(ctx), { hostId: input.hostId, definition: input.definition })),
  update: operatorProcedure
    .input(ZUpdateGuestInput)
    .mutation(({ ctx, input }) => updateGuest(serviceDeps(ctx), { id: input.id, version: input.version, definition: input.definition })),

  /** The start plan a definition gives on its host (reads the host), before anything is saved. */
  previewDefinition: operatorProcedure
    .input(ZPreviewDefinitionInput)
    .query(({ ctx, input }) => previewDefinition(serviceDeps(ctx), { hostId: input.hostId, definition: input.definition })),
  /** The one-time read of an existing image's format the wizard shows; the user then saves it. */
  readImageFormat: operatorProcedure
    .input(ZReadImageFormatInput)
    .mutation(({ ctx, input }) => readWizardImageFormat(serviceDeps(ctx), input)),

  preview: operatorProcedure.input(ZGuestActionInput).query(({ ctx, input }) => previewGuestAction(serviceDeps(ctx), input)),
  run: operatorProcedure.input(ZGuestActionInput).mutation(({ ctx, input }) => runGuestAction(serviceDeps(ctx), input)),
  importCommandLine: operatorProcedure.input(ZImportInput).mutation(({ ctx, input }) => importCommandLine(serviceDeps(ctx), input)),
  unmanaged: viewerProcedure.input(ZHostIdInput).query(({ ctx, input }) => unmanagedGuests(serviceDeps(ctx), input)),

  /** A single-use ticket for the console WebSocket; viewers get a read-only one. */
  consoleTicket: viewerProcedure
    .input(ZGuestIdInput)
    .mutation(({ ctx, input }) => issueConsoleTicket({ ...serviceDeps(ctx), tickets: ctx.rt.tickets }, input)),
  /** What the host and QEMU know of the host's running guests' addresses, read now (one audit row). */
  addresses: viewerProcedure.input(ZHostIdInput).query(({ ctx, input }) => readGuestAddresses(serviceDeps(ctx), input.hostId)),
  /** The shared background refresh of those addresses: one read per host per interval on the server, whoever watches. */
  watchAddresses: viewerProcedure.input(ZWatchAddressesInput).subscription(({ ctx, input, signal }) =>
    watchGuestAddresses({
      db: ctx.db,
      live: ctx.rt.guestAddresses,
      hostIds: input.hostIds,
      signal: withSessionEnd(signal, ctx.sessionEnded),
    }),
  ),
  serialLog: viewerProcedure.input(ZSerialLogInput).query(({ ctx, input }) => serialLogPage(serviceDeps(ctx), input)),
  searchSerialLog: viewerProcedure.input(ZSerialSearchInput).query(({ ctx, input }) => serialLogSearch(serviceDeps(ctx), input)),
});
