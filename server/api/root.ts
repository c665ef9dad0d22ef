import { auditRouter } from "./routers/audit";
import { authRouter } from "./routers/auth";
import { clockRouter } from "./routers/clock";
import { demoRouter } from "./routers/demo";
import { guestsRouter } from "./routers/guests";
import { hostsRouter } from "./routers/hosts";
import { jobsRouter } from "./routers/jobs";
import { networkRouter } from "./routers/network";
import { storageRouter } from "./routers/storage";
import { usersRouter } from "./routers/users";
import { router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  clock: clockRouter,
  users: usersRouter,
  hosts: hostsRouter,
  jobs: jobsRouter,
  audit: auditRouter,
  demo: demoRouter,
  guests: guestsRouter,
  network: networkRouter,
  storage: storageRouter,
});

export type AppRouter = typeof appRouter;
