import { db, type Db } from "./db";
import { env } from "./env";
import { loadOrCreateSecret } from "./hosts/key-vault";
import { JobRunner } from "./jobs/job-runner";
import { SessionEvents } from "./auth/session-events";
import type { DemoHostLauncher } from "./hosts/demo-host-launcher";
import { planHandler } from "./jobs/plan-job";
import { SshPool } from "./ssh/pool";
import { hostTarget } from "./services/host-target";
import { guestDeleteJobHandler } from "./services/guest-delete-job";
import { GuestStates } from "./services/guest-state";
import { GuestBoots, withBootRecording } from "./services/guest-boots";
import { guestStartJobHandler } from "./services/guest-start-job";
import { networkChangeJobHandler } from "./services/network/network-change-job";
import { GuestAddressesLive } from "./services/guest-addresses-live";
import { NetworkLive } from "./services/network/network-live";
import { NetworkBus } from "./network/network-bus";
import { probeJobHandler } from "./services/probe-job";
import { qmpExecutor } from "./hypervisors/qemu/qmp-exec";
import { auditRead } from "./audit/audit-writer";
import { createSignInGuard, sessionUser, type SignInGuard } from "./services/auth-service";
import { ConsoleTicketStore, createConsoleUpgradeHandler, guestConsoleResolver, type ConsoleUpgradeHandler } from "./console";

// The composition root: every process object (secret, SSH pool, job runner and its
// handlers, the shared background refreshers, the boot recorder) is built here, once per
// process, and handed down. server/main.ts calls createRuntime() and passes the result to
// the HTTP server (tRPC context) and the console gateway; tests call it once per test
// process (server/test-support/runtime.ts). Nothing below keeps a process-wide instance.

export interface Runtime {
  db: Db;
  secret: Buffer;
  ssh: SshPool;
  jobs: JobRunner;
  /** Tells open network pages (and the shared refresh) that a host's network or layout changed. */
  networkBus: NetworkBus;
  /** The network pages' shared background refresh, one per host for every viewer. */
  networkLive: NetworkLive;
  /** The guest lists' shared background read of learned addresses, one per host for every viewer. */
  guestAddresses: GuestAddressesLive;
  /** The last state read of each guest: what the list sorts by, what lets a stopped guest cost nothing to watch. */
  guestStates: GuestStates;
  /** Boots recorded by start jobs, told to the console hub in-process. */
  boots: GuestBoots;
  /** Console tickets: issued by the tRPC procedure, redeemed by the console gateway. */
  tickets: ConsoleTicketStore;
  /** Sign-in backoff state, per process. */
  signInGuard: SignInGuard;
  /** Ended sessions, told to open subscriptions and consoles (sign-out, role change, removal). */
  sessions: SessionEvents;
  /** The demo host (the lab harness behind one narrow interface), when main.ts wired one. */
  demoHost: DemoHostLauncher | null;
}

export interface RuntimeOptions {
  demoHost?: DemoHostLauncher;
}

/** Builds the process's runtime. Call once per process (main.ts, the test child, one per test file). */
export function createRuntime(opts: RuntimeOptions = {}): Runtime {
  const e = env();
  const secret = loadOrCreateSecret({ dataDir: e.LABDECK_DATA_DIR, envKey: e.LABDECK_SECRET_KEY });
  const ssh = new SshPool();
  const jobs = new JobRunner({
    db,
    ssh,
    targetFor: (hostId) => hostTarget(db, secret, hostId),
    onTargetChange: (listener) => ssh.onDrop(listener),
    qmp: qmpExecutor(ssh),
    kindLimits: { probe: e.LABDECK_PROBE_CONCURRENCY },
  });
  jobs.register("plan", planHandler);
  jobs.register("probe", probeJobHandler);
  const guestStates = new GuestStates();
  jobs.register("guest-delete", guestDeleteJobHandler(guestStates));
  const boots = new GuestBoots(db);
  const networkBus = new NetworkBus();
  jobs.register("guest-start", withBootRecording(guestStartJobHandler, { db, boots }));
  jobs.register("network-change", networkChangeJobHandler({ db, ssh, secret, networkBus }));
  return {
    db,
    secret,
    ssh,
    jobs,
    networkBus,
    networkLive: new NetworkLive({ db, ssh, secret, networkBus }),
    guestAddresses: new GuestAddressesLive({ db, ssh, secret }),
    guestStates,
    boots,
    tickets: new ConsoleTicketStore(),
    signInGuard: createSignInGuard(),
    sessions: new SessionEvents(),
    demoHost: opts.demoHost ?? null,
  };
}

/** The console upgrade handler main.ts plugs into the HTTP server (one per process): returns true when it took the request. */
export function createConsoleUpgrade(rt: Runtime, allowedOrigins: readonly string[]): ConsoleUpgradeHandler {
  const { db, secret } = rt;
  return createConsoleUpgradeHandler({
    db,
    sessionUser,
    ssh: rt.ssh,
    resolve: guestConsoleResolver(db, (hostId) => hostTarget(db, secret, hostId)),
    allowedOrigins,
    tickets: rt.tickets,
    sessionEvents: rt.sessions,
    hub: {
      boots: rt.boots,
      // The follower runs for as long as someone watches: its row is written when it starts.
      auditFollow: ({ target, argv, actor }) =>
        auditRead(db, actor, {
          hostId: target.hostId,
          hostName: target.name,
          action: "console.follow",
          commands: [
            { argv, purpose: "Follow the guest's serial log for its console", exitStatus: null, outcome: "ok", durationMs: 0, output: "" },
          ],
        }),
    },
  });
}
