// The one import of scripts/ from the server: moves to the composition root (server/main.ts).
import { demoHostLauncher } from "../../../scripts/demo-host-launcher";
import { env } from "../../env";
import { demoStatus, startDemo, stopDemo } from "../../services/demo-service";
import { runtime } from "../../services/runtime";
import { actorOf, adminProcedure, router } from "../trpc";
import type { Context } from "../context";

function deps(ctx: Context) {
  const rt = runtime();
  return { db: ctx.db, ssh: rt.ssh, secret: rt.secret, jobs: rt.jobs, actor: actorOf(ctx), demoHost: demoHostLauncher(env().LABDECK_DATA_DIR) };
}

export const demoRouter = router({
  status: adminProcedure.query(({ ctx }) => demoStatus(deps(ctx))),
  start: adminProcedure.mutation(({ ctx }) => startDemo(deps(ctx))),
  stop: adminProcedure.mutation(({ ctx }) => stopDemo(deps(ctx))),
});
