import { z } from "zod";
import { ZRecordId } from "../../names";
import { previewChange, runChange, ZChangeInput, ZRollbackSeconds } from "../../services/network/network-change";
import { confirmChange, rollbackNow } from "../../services/network/network-rollback";
import {
  adoptNetwork,
  getLayout,
  networkView,
  persistencePreview,
  revertNetwork,
  revertPreview,
  saveLayout,
  writePersistence,
  ZPositions,
} from "../../services/network/network-view";
import { watchNetwork, ZWatchInput } from "../../services/network/network-watch";
import { serviceDeps } from "../service-deps";
import { operatorProcedure, router, viewerProcedure, withSessionEnd } from "../trpc";

const ZHost = z.object({ hostId: ZRecordId });
const ZScope = ZRecordId.max(64);

export const networkRouter = router({
  /** The host's network read now, its guests' NICs, drift from the recorded topology, a pending change, the saved layout. */
  read: viewerProcedure.input(ZHost).query(({ ctx, input }) => networkView(serviceDeps(ctx), input.hostId)),
  /** The plan a list of edits gives on the host as it is now (reads the host; changes nothing). */
  preview: operatorProcedure.input(ZChangeInput).mutation(({ ctx, input }) => previewChange(serviceDeps(ctx), input)),
  run: operatorProcedure.input(ZChangeInput).mutation(({ ctx, input }) => runChange(serviceDeps(ctx), input)),
  confirm: operatorProcedure.input(z.object({ changeId: ZRecordId })).mutation(({ ctx, input }) => confirmChange(serviceDeps(ctx), input)),
  rollbackNow: operatorProcedure
    .input(z.object({ changeId: ZRecordId }))
    .mutation(({ ctx, input }) => rollbackNow(serviceDeps(ctx), input)),
  adopt: operatorProcedure.input(ZHost).mutation(({ ctx, input }) => adoptNetwork(serviceDeps(ctx), input)),
  revertPreview: operatorProcedure.input(ZHost).mutation(({ ctx, input }) => revertPreview(serviceDeps(ctx), input)),
  revert: operatorProcedure
    .input(ZHost.extend({ rollbackSeconds: ZRollbackSeconds }))
    .mutation(({ ctx, input }) => revertNetwork(serviceDeps(ctx), input)),
  persistence: viewerProcedure.input(ZHost).query(({ ctx, input }) => persistencePreview(serviceDeps(ctx), input)),
  writePersistence: operatorProcedure.input(ZHost).mutation(({ ctx, input }) => writePersistence(serviceDeps(ctx), input)),
  layout: viewerProcedure.input(z.object({ scope: ZScope })).query(({ ctx, input }) => getLayout(serviceDeps(ctx), input)),
  saveLayout: operatorProcedure
    .input(z.object({ scope: ZScope, positions: ZPositions }))
    .mutation(({ ctx, input }) => saveLayout(serviceDeps(ctx), input)),

  /**
   * Fires when a host's network or layout changed, so open pages refetch without reloading.
   * With `refresh`, also carries the shared background read of those hosts ("refreshed",
   * with the view): one read per host per interval on the server, whoever watches.
   */
  watch: viewerProcedure
    .input(ZWatchInput)
    .subscription(({ ctx, input, signal }) =>
      watchNetwork(
        { db: ctx.db, networkBus: ctx.rt.networkBus, networkLive: ctx.rt.networkLive, signal: withSessionEnd(signal, ctx.sessionEnded) },
        input,
      ),
    ),
});
