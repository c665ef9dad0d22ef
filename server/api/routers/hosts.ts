import { z } from "zod";
import { ZRecordId } from "../../names";
import { listScratchArgv, parseScratchList } from "../../hosts/scratch";
import { ZCreateHostInput, ZHostIdInput, ZPinHostKeyInput, ZUpdateHostInput } from "../../services/host-service.schema";
import { createHost, lastProbe, pinHostKey, removeHost, scanHostKey, toHostView, updateHost } from "../../services/host-service";
import { readFromHost, withHostRead } from "../../services/host-read";
import { runtime } from "../../services/runtime";
import { actorOf, adminProcedure, operatorProcedure, router, viewerProcedure } from "../trpc";
import type { Context } from "../context";

function deps(ctx: Context) {
  const rt = runtime();
  const actor = actorOf(ctx);
  // The service decides root changes by this role (admin only), beside the procedure's own gate.
  return { db: ctx.db, ssh: rt.ssh, secret: rt.secret, actor, role: ctx.user?.role ?? ("viewer" as const) };
}

export const hostsRouter = router({
  list: viewerProcedure.query(async ({ ctx }) => {
    const hosts = await ctx.db.host.findMany({ orderBy: { name: "asc" } });
    return hosts.map(toHostView);
  }),
  get: viewerProcedure.input(ZHostIdInput).query(async ({ ctx, input }) => toHostView(await ctx.db.host.findUniqueOrThrow({ where: { id: input.id } }))),
  lastProbe: viewerProcedure.input(ZHostIdInput).query(({ ctx, input }) => lastProbe(ctx.db, input.id)),
  create: operatorProcedure.input(ZCreateHostInput).mutation(({ ctx, input }) => createHost(deps(ctx), input)),
  update: operatorProcedure.input(ZUpdateHostInput).mutation(({ ctx, input }) => updateHost(deps(ctx), input)),
  remove: adminProcedure.input(ZHostIdInput).mutation(async ({ ctx, input }) => {
    await removeHost(deps(ctx), input);
    return { ok: true as const };
  }),
  scanHostKey: operatorProcedure.input(ZHostIdInput).mutation(({ ctx, input }) => scanHostKey(deps(ctx), input)),
  pinHostKey: operatorProcedure.input(ZPinHostKeyInput).mutation(({ ctx, input }) => pinHostKey(deps(ctx), { ...input, repin: false })),
  repinHostKey: adminProcedure.input(ZPinHostKeyInput).mutation(({ ctx, input }) => pinHostKey(deps(ctx), { ...input, repin: true })),
  scratchList: adminProcedure.input(z.object({ hostId: ZRecordId })).query(async ({ ctx, input }) => {
    const host = await ctx.db.host.findUniqueOrThrow({ where: { id: input.hostId } });
    // find exits 1 when the scratch root does not exist yet: that is an empty list, "absent" in the audit.
    const res = await withHostRead(deps(ctx), { hostId: host.id, action: "host.scratch-list" }, (d) => readFromHost(d, host.id, listScratchArgv(host.runDir), { optional: true }));
    return { names: res.outcome === "exited" ? parseScratchList(res.stdout) : [], exitStatus: res.exitStatus };
  }),
});
