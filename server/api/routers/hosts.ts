import { z } from "zod";
import { ZRecordId } from "../../names";
import { listScratchArgv, parseScratchList } from "../../hosts/scratch";
import { ZCreateHostInput, ZHostIdInput, ZPinHostKeyInput, ZUpdateHostInput } from "../../services/host-service.schema";
import { createHost, lastProbe, pinHostKey, removeHost, scanHostKey, toHostView, updateHost } from "../../services/host-service";
import { readFromHost, withHostRead } from "../../services/host-read";
import { serviceDeps } from "../service-deps";
import { actorOf, adminProcedure, operatorProcedure, router, viewerProcedure } from "../trpc";


export const hostsRouter = router({
  list: viewerProcedure.query(async ({ ctx }) => {
    const hosts = await ctx.db.host.findMany({ orderBy: { name: "asc" } });
    return hosts.map(toHostView);
  }),
  get: viewerProcedure.input(ZHostIdInput).query(async ({ ctx, input }) => toHostView(await ctx.db.host.findUniqueOrThrow({ where: { id: input.id } }))),
  lastProbe: viewerProcedure.input(ZHostIdInput).query(({ ctx, input }) => lastProbe(ctx.db, input.id)),
  create: operatorProcedure.input(ZCreateHostInput).mutation(({ ctx, input }) => createHost(serviceDeps(ctx), input)),
  update: operatorProcedure.input(ZUpdateHostInput).mutation(({ ctx, input }) => updateHost(serviceDeps(ctx), input)),
  remove: adminProcedure.input(ZHostIdInput).mutation(async ({ ctx, input }) => {
    await removeHost(serviceDeps(ctx), input);
    return { ok: true as const };
  }),
  scanHostKey: operatorProcedure.input(ZHostIdInput).mutation(({ ctx, input }) => scanHostKey(serviceDeps(ctx), input)),
  pinHostKey: operatorProcedure.input(ZPinHostKeyInput).mutation(({ ctx, input }) => pinHostKey(serviceDeps(ctx), { ...input, repin: false })),
  repinHostKey: adminProcedure.input(ZPinHostKeyInput).mutation(({ ctx, input }) => pinHostKey(serviceDeps(ctx), { ...input, repin: true })),
  scratchList: adminProcedure.input(z.object({ hostId: ZRecordId })).query(async ({ ctx, input }) => {
    const host = await ctx.db.host.findUniqueOrThrow({ where: { id: input.hostId } });
    // find exits 1 when the scratch root does not exist yet: that is an empty list, "absent" in the audit.
    const res = await withHostRead(serviceDeps(ctx), { hostId: host.id, action: "host.scratch-list" }, (d) => readFromHost(d, host.id, listScratchArgv(host.runDir), { optional: true }));
    return { names: res.outcome === "exited" ? parseScratchList(res.stdout) : [], exitStatus: res.exitStatus };
  }),
});
