import { db } from "../db";
import { env } from "../env";
import { loadOrCreateSecret } from "../hosts/key-vault";
import { JobRunner } from "../jobs/job-runner";
import { planHandler } from "../jobs/plan-handler";
import { sshPool } from "../ssh/pool";
import type { SshExecutor } from "../ssh/types";
import { hostTarget, onHostTargetChange } from "./host-target";
import { guestDeleteJobHandler } from "./guest-delete-job";
import { GuestBoots, withBootRecording } from "./guest-boots";
import { guestStartJobHandler } from "./guest-start-job";
import { networkChangeJobHandler } from "./network/network-change-job";
import { GuestAddressesLive } from "./guest-addresses-live";
import { NetworkLive } from "./network/network-live";
import { probeJobHandler } from "./probe-job";
import { qmpExecutor } from "./qmp-exec";

// Process-wide singletons (kept on globalThis so a dev-mode module reload does not start a
// second runner or a second SSH pool beside the first).

interface Runtime {
  secret: Buffer;
  ssh: SshExecutor;
  jobs: JobRunner;
  /** The network pages' shared background refresh, one per host for every viewer. */
  networkLive: NetworkLive;
  /** The guest lists' shared background read of learned addresses, one per host for every viewer. */
  guestAddresses: GuestAddressesLive;
  /** Boots recorded by start jobs, told to the console hub in-process. */
  boots: GuestBoots;
}

const g = globalThis as unknown as { labdeckRuntime?: Runtime };

export function runtime(): Runtime {
  if (!g.labdeckRuntime) {
    const e = env();
    const secret = loadOrCreateSecret({ dataDir: e.LABDECK_DATA_DIR, envKey: e.LABDECK_SECRET_KEY });
    const ssh = sshPool();
    const jobs = new JobRunner({ db, ssh, targetFor: (hostId) => hostTarget(db, secret, hostId), onTargetChange: onHostTargetChange, qmp: qmpExecutor(ssh), kindLimits: { probe: e.LABDECK_PROBE_CONCURRENCY } });
    jobs.register("plan", planHandler);
    jobs.register("probe", probeJobHandler);
    jobs.register("guest-delete", guestDeleteJobHandler);
    const boots = new GuestBoots(db);
    jobs.register("guest-start", withBootRecording(guestStartJobHandler, { db, boots }));
    jobs.register("network-change", networkChangeJobHandler({ db, ssh, secret }));
    g.labdeckRuntime = { secret, ssh, jobs, networkLive: new NetworkLive({ db, ssh, secret }), guestAddresses: new GuestAddressesLive({ db, ssh, secret }), boots };
  }
  return g.labdeckRuntime;
}
