import { EventEmitter, on } from "node:events";
import { z } from "zod";
import { ZRecordId } from "../../names";
import { LabdeckError } from "../../errors";
import { networkBus, type NetworkEvent } from "../../network/network-bus";
import { ZNetOp } from "../../network/ops";
import { ZGuestLink } from "../../services/network/guest-links";
import { previewChange, runChange } from "../../services/network/network-change";
import type { NetworkLiveEvent } from "../../services/network/network-live";
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
import { serviceDeps } from "../service-deps";
import { operatorProcedure, router, viewerProcedure, withSessionEnd } from "../trpc";

const ZHost = z.object({ hostId: ZRecordId });
const ZRollbackSeconds = z.number().int().min(10).max(3600).optional();
const ZChangeInput = ZHost.extend({
  ops: z.array(ZNetOp).max(500).default([]),
  guestLinks: z.array(ZGuestLink).max(64).optional(),
  rollbackSeconds: ZRollbackSeconds,
  opEdits: z.array(z.number().int().min(0).max(999)).max(500).optional(),
  linkEdits: z.array(z.number().int().min(0).max(999)).max(64).optional(),
});
const ZScope = ZRecordId.max(64);
const ZWatchInput = z.object({ hostId: ZRecordId.optional(), refresh: z.array(ZRecordId).max(100).optional() });

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
  watch: viewerProcedure.input(ZWatchInput).subscription(async function* ({ ctx, input, signal }) {
    const refresh = [...new Set(input.refresh ?? [])];
    if (refresh.length > 0 && (await ctx.db.host.count({ where: { id: { in: refresh } } })) !== refresh.length) {
      throw new LabdeckError("NOT_FOUND", "no such host");
    }
    const local = new EventEmitter();
    // The iterator first: a late subscriber gets the last refresh synchronously on subscribe.
    const events = on(local, "event", { signal: withSessionEnd(signal, ctx.sessionEnded) }) as AsyncIterableIterator<
      [NetworkEvent | NetworkLiveEvent]
    >;
    const onBus = (event: NetworkEvent) => {
      if (input.hostId === undefined || event.hostId === input.hostId || event.hostId === "all") local.emit("event", event);
    };
    networkBus.on("network", onBus);
    const leave = refresh.map((hostId) => ctx.rt.networkLive.subscribe(hostId, (e) => local.emit("event", e)));
    try {
      for await (const [event] of events) yield event;
    } finally {
      networkBus.off("network", onBus);
      for (const l of leave) l();
    }
  }),
});
