import { demoStatus, startDemo, stopDemo } from "../../services/demo-service";
import { serviceDeps } from "../service-deps";
import { adminProcedure, router } from "../trpc";

export const demoRouter = router({
  status: adminProcedure.query(({ ctx }) => demoStatus(serviceDeps(ctx))),
  start: adminProcedure.mutation(({ ctx }) => startDemo(serviceDeps(ctx))),
  stop: adminProcedure.mutation(({ ctx }) => stopDemo(serviceDeps(ctx))),
});
