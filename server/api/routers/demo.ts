import { LabdeckError } from "../../errors";
import { demoStatus, startDemo, stopDemo, type DemoDeps } from "../../services/demo-service";
import type { Context } from "../context";
import { serviceDeps } from "../service-deps";
import { adminProcedure, router } from "../trpc";

// The demo host's launcher is wired by the composition root (server/main.ts), the one place
// the server reaches the lab harness in scripts/.
function demoDeps(ctx: Context): DemoDeps {
  const demoHost = ctx.rt.demoHost;
  if (demoHost === null) throw new LabdeckError("CONFLICT", "this Labdeck process was started without the demo host");
  return { ...serviceDeps(ctx), demoHost };
}

export const demoRouter = router({
  status: adminProcedure.query(({ ctx }) => demoStatus(demoDeps(ctx))),
  start: adminProcedure.mutation(({ ctx }) => startDemo(demoDeps(ctx))),
  stop: adminProcedure.mutation(({ ctx }) => stopDemo(demoDeps(ctx))),
});
