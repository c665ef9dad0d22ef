import { logger } from "../logger";
import { resumeNetworkChanges } from "./network/network-rollback";
import type { Runtime } from "../compose";

// What a (re)started Labdeck must learn before it reports anything: jobs the previous
// process left running are unknown, and network changes it left armed or half-applied are
// settled by asking their hosts, whose rollback timers kept running without Labdeck.

const SYSTEM = { userId: null, username: "labdeck" };

/** Awaited before the server listens: the database alone, no host. */
export async function recoverJobs(rt: Pick<Runtime, "jobs">): Promise<number> {
  const recovered = await rt.jobs.recoverAfterRestart();
  if (recovered > 0) logger.warn({ recovered }, "jobs left from a previous run marked unknown/cancelled");
  return recovered;
}

/** Asks hosts about open network changes; slow hosts must not delay the start, so callers need not await it. */
export async function resumeHostWork(rt: Pick<Runtime, "db" | "ssh" | "secret" | "networkBus">): Promise<number> {
  const open = await resumeNetworkChanges({ db: rt.db, ssh: rt.ssh, secret: rt.secret, networkBus: rt.networkBus, actor: SYSTEM });
  if (open > 0) logger.info({ open }, "network changes from a previous run re-read from their hosts");
  return open;
}
