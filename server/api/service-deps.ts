import type { Db } from "../db";
import type { Actor } from "../audit/audit-writer";
import type { Role } from "../../lib/roles";
import type { JobRunner } from "../jobs/job-runner";
import type { NetworkBus } from "../network/network-bus";
import type { SshExecutor } from "../ssh/types";
import type { GuestStates } from "../services/guest-state";
import { actorOf } from "./trpc";
import type { Context } from "./context";

// What a service call gets from the request: the database, the process's SSH pool, secret,
// job runner and network bus (from the runtime the tRPC context carries), and who is asking. The one
// place routers build it; each service takes the part it needs (a Pick of this).

export interface ServiceDeps {
  db: Db;
  ssh: SshExecutor;
  secret: Buffer;
  jobs: JobRunner;
  guestStates: GuestStates;
  networkBus: NetworkBus;
  actor: Actor;
  /** The caller's role: a service that decides by role (host roots: admin only) reads it here. */
  role: Role;
}

export function serviceDeps(ctx: Context): ServiceDeps {
  const rt = ctx.rt;
  return {
    db: ctx.db,
    ssh: rt.ssh,
    secret: rt.secret,
    jobs: rt.jobs,
    guestStates: rt.guestStates,
    networkBus: rt.networkBus,
    actor: actorOf(ctx),
    role: ctx.user?.role ?? "viewer",
  };
}
