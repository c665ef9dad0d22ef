import { z } from "zod";
import { ZRecordId } from "../../names";
import { ZCreateHostInput, ZHostIdInput, ZPinHostKeyInput, ZUpdateHostInput } from "../../services/host-service.schema";
import { createHost, lastProbe, pinHostKey, removeHost, scanHostKey, toHostView, updateHost } from "../../services/host-service";
import { listScratch } from "../../services/host-scratch";
import { serviceDeps } from "../service-deps";
import { adminProcedure, operatorProcedure, router, viewerProcedure } from "../trpc";

export const hostsRouter = router({
  list: viewerProcedure.query(async ({ ctx }) => {
    const hosts = await ctx.db.host.findMany({ orderBy: { name: "asc" } });
    return hosts.map(toHostView);
  }),
  get: viewerProcedure
    .input(ZHostIdInput)
    .query(async ({ ctx, input }) => toHostView(await ctx.db.host.findUniqueOrThrow({ where: { id: input.id } }))),
  lastProbe: viewerProcedure.input(ZHostIdInput).query(({ ctx, input }) => lastProbe(ctx.db, input.id)),
  create: operatorProcedure.input(ZCreateHostInput).mutation(({ ctx, input }) => createHost(serviceDeps(ctx), input)),
  update: operatorProcedure.input(ZUpdateHostInput).mutation(({ ctx, input }) => updateHost(serviceDeps(ctx), input)),
  remove: adminProcedure.input(ZHostIdInput).mutation(async ({ ctx, input }) => {
    await removeHost(serviceDeps(ctx), input);
    return { ok: true as const };
  }),
  scanHostKey: operatorProcedure.input(ZHostIdInput).mutation(({ ctx, input }) => scanHostKey(serviceDeps(ctx), input)),
  pinHostKey: operatorProcedure
    .input(ZPinHostKeyInput)
    .mutation(({ ctx, input }) => pinHostKey(serviceDeps(ctx), { ...input, repin: false })),
  repinHostKey: adminProcedure
    .input(ZPinHostKeyInput)
    .mutation(({ ctx, input }) => pinHostKey(serviceDeps(ctx), { ...input, repin: true })),
  scratchList: adminProcedure.input(z.object({ hostId: ZRecordId })).query(({ ctx, input }) => listScratch(serviceDeps(ctx), input.hostId)),
});
