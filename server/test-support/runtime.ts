import type { Actor } from "../audit/audit-writer";
import { createRuntime, type Runtime } from "../compose";

// Tests and benches: one runtime per test process, built on first use (after the test has
// set LABDECK_DATA_DIR and DATABASE_URL), the way server/main.ts builds one per server.
// Import it dynamically, after the environment is set.

let shared: Runtime | undefined;

export function runtime(): Runtime {
  shared ??= createRuntime();
  return shared;
}

/** What a service call gets in a test or a bench: the runtime's objects and an actor (serviceDeps without a request). */
export function runtimeDeps(rt: Runtime, actor: Actor = { userId: null, username: "tester" }) {
  return { db: rt.db, ssh: rt.ssh, secret: rt.secret, jobs: rt.jobs, guestStates: rt.guestStates, networkBus: rt.networkBus, actor };
}
