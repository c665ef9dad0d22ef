import { db } from "../db";
import { env } from "../env";
import { loadOrCreateSecret } from "../hosts/key-vault";
import { JobRunner } from "../jobs/job-runner";
import { planHandler } from "../jobs/plan-handler";
import { sshPool } from "../ssh/pool";
import type { SshExecutor } from "../ssh/types";
import { hostTarget } from "./host-target";
import { guestDeleteJobHandler } from "./guest-delete-job";
import { guestStartJobHandler } from "./guest-start-job";
import { networkChangeJobHandler } from "./network/network-change-job";
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
}

const g = globalThis as unknown as { labdeckRuntime?: Runtime };

export function runtime(): Runtime {
  if (!g.labdeckRuntime) {
    const e = env();
    const secret = loadOrCreateSecret({ dataDir: e.LABDECK_DATA_DIR, envKey: e.LABDECK_SECRET_KEY });
    const ssh = sshPool();
    const jobs = new JobRunner({ db, ssh, targetFor: (hostId) => hostTarget(db, secret, hostId), qmp: qmpExecutor(ssh), kindLimits: { probe: e.LABDECK_PROBE_CONCURRENCY } });
    jobs.register("plan", planHandler);
    jobs.register("probe", probeJobHandler);
    jobs.register("guest-delete", guestDeleteJobHandler);
    jobs.register("guest-start", guestStartJobHandler);
    jobs.register("network-change", networkChangeJobHandler);
    g.labdeckRuntime = { secret, ssh, jobs, networkLive: new NetworkLive({ db, ssh, secret }) };
  }
  return g.labdeckRuntime;
}
