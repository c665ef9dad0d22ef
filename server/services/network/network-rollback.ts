import type { Db } from "../../db";
import { auditEvent, type Actor } from "../../audit/audit-writer";
import { LabdeckError } from "../../errors";
import { logger } from "../../logger";
import type { THostNetwork } from "../../network/network-model";
import { isFinished, type JobStatus } from "../../jobs/job-events";
import {
  confirmRollbackArgv,
  parseRollbackStatus,
  rollbackNowArgv,
  rollbackStatusArgv,
  type TRollbackStatus,
} from "../../network/safety/rollback";
import { readFromHost } from "../host-read";
import type { NetworkDeps } from "./network-deps";
import { readLiveNetwork } from "./network-read";

// The life of an armed change after its job: confirmed from the page (over a NEW SSH
// connection, which is the proof that the path still works), rolled back now on request,
// or rolled back by the host itself when the deadline passes. Labdeck only learns the
// last from the host (its status file), never assumes it.

type ReadDeps = Pick<NetworkDeps, "db" | "ssh" | "secret" | "networkBus" | "actor">;

export async function recordNetwork(db: Db, hostId: string, net: THostNetwork, by: string, jobId: string | null): Promise<void> {
  const data = { networkJson: JSON.stringify(net), recordedAt: new Date(), recordedBy: by, jobId };
  await db.networkRecord.upsert({ where: { hostId }, create: { hostId, ...data }, update: data });
}

async function armedChange(db: Db, changeId: string) {
  const change = await db.networkChange.findUniqueOrThrow({ where: { id: changeId }, include: { host: true } });
  if (change.state !== "armed") {
    throw new LabdeckError("CONFLICT", `this change is ${change.state}, not waiting for confirmation`, {
      details: { state: change.state },
    });
  }
  return change;
}

async function decide(deps: ReadDeps, changeId: string, state: "confirmed" | "rolled-back", action: string) {
  const change = await deps.db.networkChange.update({
    where: { id: changeId },
    data: { state, decidedAt: new Date(), decidedBy: deps.actor.username },
    include: { host: true },
  });
  await auditEvent(deps.db, deps.actor, {
    kind: "inventory",
    action,
    hostId: change.hostId,
    hostName: change.host.name,
    details: { changeId, title: change.title },
  });
  deps.networkBus.publish(change.hostId, state);
  return { state };
}

/** "Keep these changes": disarms the host's timer through a fresh connection, then records the network. */
export async function confirmChange(deps: ReadDeps, input: { changeId: string }) {
  const change = await armedChange(deps.db, input.changeId);
  deps.ssh.drop(change.hostId);
  const res = await readFromHost(deps, change.hostId, confirmRollbackArgv(change.workDir));
  if (res.exitStatus === 0) {
    await recordNetwork(deps.db, change.hostId, await readLiveNetwork(deps, change.hostId), deps.actor.username, change.jobId);
    return decide(deps, change.id, "confirmed", "network.confirm");
  }
  if (res.exitStatus === 3) return decide(deps, change.id, "rolled-back", "network.rolled-back");
  throw new LabdeckError(
    "CONFLICT",
    `the host has no armed rollback for this change (status ${res.exitStatus ?? "unknown"}): ${res.stderr.trim()}`,
  );
}

/** "Roll back now": the host runs the rollback script at once. */
export async function rollbackNow(deps: ReadDeps, input: { changeId: string }) {
  const change = await armedChange(deps.db, input.changeId);
  const res = await readFromHost(deps, change.hostId, rollbackNowArgv(change.workDir), 120_000);
  if (res.exitStatus === 0 || res.exitStatus === 3) return decide(deps, change.id, "rolled-back", "network.rollback");
  throw new LabdeckError("CONFLICT", `rolling back failed (status ${res.exitStatus ?? "unknown"}): ${res.stderr.trim()}`);
}

/** The host's deadline (its own epoch seconds) on Labdeck's clock: the countdown is the host's. */
export function localDeadline(status: TRollbackStatus): Date | null {
  return status.deadline === null ? null : new Date(Date.now() + (status.deadline - status.now) * 1000);
}

/**
 * Asks the host what became of a change: an armed one whose deadline has passed, or one
 * left "applying" by a job that ended without saying (Labdeck killed or the connection
 * lost after the timer was armed). The host's status file is the only truth here.
 */
export async function refreshChange(deps: ReadDeps, changeId: string): Promise<string> {
  const change = await deps.db.networkChange.findUniqueOrThrow({ where: { id: changeId } });
  if (change.state === "applying") return settleApplying(deps, change);
  if (change.state !== "armed" || !change.deadline || change.deadline.getTime() > Date.now()) return change.state;
  const res = await readFromHost(deps, change.hostId, rollbackStatusArgv(change.workDir));
  const status = parseRollbackStatus(res.stdout);
  if (status.state === "rolled-back") {
    await deps.db.networkChange.update({
      where: { id: changeId },
      data: { state: "rolled-back", decidedAt: new Date(), decidedBy: "host (timer)" },
    });
    deps.networkBus.publish(change.hostId, "rolled-back");
    return "rolled-back";
  }
  if (status.state === "confirmed") {
    await deps.db.networkChange.update({ where: { id: changeId }, data: { state: "confirmed", decidedAt: new Date() } });
    return "confirmed";
  }
  if (status.state === "armed" && !status.timerAlive) return timerLost(deps, change);
  return change.state;
}

/**
 * Past the deadline, still armed, and the timer process is gone (the host restarted, or
 * someone killed it): nothing will ever roll the change back. Saying "armed" for ever
 * would be a lie; what the host runs now is whatever it brought up, which the drift view shows.
 */
async function timerLost(deps: ReadDeps, change: { id: string; hostId: string }): Promise<string> {
  await deps.db.networkChange.update({
    where: { id: change.id },
    data: { state: "timer-lost", decidedAt: new Date(), decidedBy: "host (timer gone)" },
  });
  deps.networkBus.publish(change.hostId, "changed");
  return "timer-lost";
}

type ChangeRow = { id: string; hostId: string; jobId: string | null; workDir: string; rollbackSeconds: number | null; state: string };

async function settleApplying(deps: ReadDeps, change: ChangeRow): Promise<string> {
  const job = change.jobId ? await deps.db.job.findUnique({ where: { id: change.jobId }, select: { status: true } }) : null;
  // Still running here, or a change without a timer: there is nothing on the host to ask.
  if (change.rollbackSeconds === null || (job !== null && !isFinished(job.status as JobStatus))) return change.state;
  const status = parseRollbackStatus((await readFromHost(deps, change.hostId, rollbackStatusArgv(change.workDir))).stdout);
  const decided = { decidedAt: new Date(), decidedBy: "host (timer)" };
  let state: string;
  if (status.state === "armed" && !status.timerAlive) return timerLost(deps, change);
  if (status.state === "armed") {
    const deadline = localDeadline(status) ?? new Date();
    await deps.db.networkChange.update({ where: { id: change.id }, data: { state: "armed", deadline } });
    scheduleRollbackCheck(deps, change.id, deadline);
    state = "armed";
  } else if (status.state === "rolled-back" || status.state === "rolling-back") {
    await deps.db.networkChange.update({ where: { id: change.id }, data: { state: "rolled-back", ...decided } });
    state = "rolled-back";
  } else if (status.state === "confirmed") {
    await deps.db.networkChange.update({ where: { id: change.id }, data: { state: "confirmed", decidedAt: new Date() } });
    state = "confirmed";
  } else {
    // Arming is the plan's first change: with no timer on the host, no change step ran.
    await deps.db.networkChange.update({ where: { id: change.id }, data: { state: "failed", decidedAt: new Date() } });
    state = "failed";
  }
  deps.networkBus.publish(change.hostId, state === "rolled-back" ? "rolled-back" : "changed");
  return state;
}

const SYSTEM: Actor = { userId: null, username: "labdeck" };

/** What a later rollback check reads the host with and tells pages on (the runtime's pool, secret and bus, passed in). */
export type RollbackCheckDeps = Pick<NetworkDeps, "db" | "ssh" | "secret" | "networkBus">;

/** Shortly after the deadline, learn from the host whether it rolled back, so open pages update. */
export function scheduleRollbackCheck(deps: RollbackCheckDeps, changeId: string, deadline: Date): void {
  const delay = Math.max(0, deadline.getTime() - Date.now()) + 2_000;
  const timer = setTimeout(() => {
    void refreshChange({ db: deps.db, ssh: deps.ssh, secret: deps.secret, networkBus: deps.networkBus, actor: SYSTEM }, changeId).catch(
      (err: unknown) => logger.warn({ err, changeId }, "could not read the rollback status"),
    );
  }, delay);
  timer.unref();
}

/**
 * At start: the timers that would have read armed changes back died with the previous
 * process, and a change whose job it killed is still "applying". Ask each host now (or at
 * the deadline); a host that does not answer is asked again when its page is read.
 */
export async function resumeNetworkChanges(deps: ReadDeps): Promise<number> {
  const open = await deps.db.networkChange.findMany({ where: { state: { in: ["applying", "armed"] } } });
  for (const change of open) {
    if (change.state === "armed" && change.deadline && change.deadline.getTime() > Date.now()) {
      scheduleRollbackCheck(deps, change.id, change.deadline);
      continue;
    }
    await refreshChange(deps, change.id).catch((err: unknown) =>
      logger.warn({ err, changeId: change.id }, "could not read a network change's rollback status at start"),
    );
  }
  return open.length;
}

/** The change a host page shows in its banner: one in flight or armed, or one decided in the last minutes. */
export async function pendingChange(deps: ReadDeps, hostId: string) {
  const change = await deps.db.networkChange.findFirst({ where: { hostId }, orderBy: { createdAt: "desc" } });
  if (!change) return null;
  let state = change.state;
  if (state === "armed" || state === "applying") state = await refreshChange(deps, change.id).catch(() => state);
  const recent = change.decidedAt === null || Date.now() - change.decidedAt.getTime() < 10 * 60_000;
  if (!["applying", "armed"].includes(state) && !recent) return null;
  if (state === "applied") return null;
  return { changeId: change.id, jobId: change.jobId, title: change.title, deadline: change.deadline?.getTime() ?? null, state };
}
