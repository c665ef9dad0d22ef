import { z } from "zod";
import type { Db } from "../db";
import type { Actor } from "../audit/audit-writer";
import { LabdeckError, badInput } from "../errors";
import {
  allowedActions,
  GUEST_ACTIONS,
  guestRunFiles,
  ZGuestDefinition,
  type GuestAction,
  type TGuestDefinition,
} from "../hypervisors/qemu/guest-definition";
import {
  planDeleteGuest,
  planForceStop,
  planPauseGuest,
  planRebootGuest,
  planResumeGuest,
  planShutdownGuest,
  planStartGuest,
  guestTapNames,
  tapCleanupSteps,
  waitForExitStep,
  type GuestPlan,
} from "../hypervisors/qemu/guest-plans";
import { checkBlockDisks } from "../hypervisors/qemu/guest-volumes";
import { checkStartable } from "../hypervisors/qemu/definition-checks";
import type { JobRunner } from "../jobs/job-runner";
import { planToShellScript } from "../jobs/plan-script";
import type { SshExecutor, SshTarget } from "../ssh/types";
import { definitionHost, hostRoots, resolveAccel } from "./guest-service";
import { checkDiskImages, imagesToDelete, qemuRunAs, type HostForImages } from "./guest-images";
import { forgetGuestState, readGuestState } from "./guest-state";
import { readFromHost, withHostRead } from "./host-read";
import { targetOfHost } from "./host-target";
import { hostLabel, requireConfirmedHostKey } from "./host-identity";
import { startJob } from "./job-create";

// Lifecycle of a guest as plans and jobs. Building a start plan reads the host first
// (which images exist, what the existing ones are made of): those reads are audited like
// any command, and the plan shown is exactly the plan that runs.

export const ZGuestAction = z.enum(GUEST_ACTIONS);
export type { GuestAction };

export interface GuestActionDeps {
  db: Db;
  ssh: SshExecutor;
  secret: Buffer;
  jobs: JobRunner;
  actor: Actor;
}

/** How long an ACPI shutdown may take before the job fails and the page offers a force stop. */
export const SHUTDOWN_WAIT_S = 60;

const tapsOf = (def: TGuestDefinition): string[] => guestTapNames(def);

/** The guest and its host, read once per action: the plan, the checks and the job use these rows. */
async function loadGuest(db: Db, id: string) {
  const guest = await db.guest.findUniqueOrThrow({ where: { id }, include: { host: true } });
  const def = ZGuestDefinition.parse(JSON.parse(guest.definitionJson));
  return { guest, host: guest.host, def, files: guestRunFiles(guest.host.runDir, guest.name), roots: hostRoots(guest.host) };
}

/** Settles every check, then throws the first refusal in the order given (the same one whatever finished first). */
async function allChecks<T extends unknown[]>(checks: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(checks);
  const refused = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (refused) throw refused.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as T;
}

type HostForPlan = HostForImages & { runDir: string; storageRoots: string; address: string; probeJson: string | null };

/** The start plan of a definition on a host; reads the host to learn which images exist. */
export async function buildStartPlan(
  deps: Pick<GuestActionDeps, "db" | "ssh" | "secret" | "actor">,
  host: HostForPlan,
  def: TGuestDefinition,
): Promise<GuestPlan & { createsImages: string[] }> {
  // A definition still being written may name an LV the wizard makes on "Create", so its
  // LVs are checked when the saved guest starts, not here.
  return startPlan(deps, { host, def, files: guestRunFiles(host.runDir, def.name), roots: hostRoots(host) }, { checkLvs: false });
}

async function startPlan(
  deps: Pick<GuestActionDeps, "db" | "ssh" | "secret" | "actor"> & { target?: SshTarget | undefined },
  g: { host: HostForPlan; def: TGuestDefinition; files: ReturnType<typeof guestRunFiles>; roots: string[] },
  opts: { checkLvs: boolean } = { checkLvs: true },
): Promise<GuestPlan & { createsImages: string[] }> {
  // The save's own check first (a row saved by an older version may not pass it): nothing
  // is read from the host for a definition that cannot start. It also binds forwards saved
  // before an address was asked for to the host's management address.
  const def = checkStartable(g.def, definitionHost(g.host));
  const read = (argv: string[]) => readFromHost(deps, g.host.id, argv);
  // The reads are independent of each other: asked at once, each still its own audited command.
  const [, { toCreate }, , runAs] = await allChecks<[void, { toCreate: number[] }, void, Awaited<ReturnType<typeof qemuRunAs>>]>([
    opts.checkLvs ? checkBlockDisks(def, (s) => read(s.argv)) : Promise.resolve(),
    checkDiskImages(def, g.roots, read),
    checkNamedTapsFree(def, read),
    qemuRunAs(g.host, def, read),
  ]);
  const plan = planStartGuest({
    def,
    files: g.files,
    accel: resolveAccel(def, g.host),
    macs: def.nics.map((n) => n.mac ?? ""),
    taps: tapsOf(def),
    roots: g.roots,
    runAs,
    imagesToCreate: toCreate,
  });
  return { ...plan, createsImages: toCreate.map((i) => def.disks[i]?.path ?? "") };
}

/**
 * A TAP named in the definition (an imported ifname=) must not exist yet: ip tuntap add
 * would take over someone else's persistent TAP, and this guest's stop would then delete
 * it. Generated names (ldt…) are Labdeck's own and are not asked about.
 */
async function checkNamedTapsFree(def: TGuestDefinition, read: (argv: string[]) => Promise<{ exitStatus: number | null }>): Promise<void> {
  await allChecks(
    def.nics.map(async (n, i) => {
      if (n.network.kind !== "tap" || n.network.ifname === undefined) return;
      const tap = n.network.ifname;
      if ((await read(["ip", "link", "show", "dev", tap])).exitStatus === 0) {
        throw badInput(
          `definition.nics.${i}.network.ifname`,
          `an interface named ${tap} already exists on the host; if it is left over from this guest, remove it (ip link del ${tap}), or choose another name`,
        );
      }
    }),
  );
}

function shutdownPlan(g: Awaited<ReturnType<typeof loadGuest>>): GuestPlan {
  const plan = planShutdownGuest({ name: g.def.name, files: g.files });
  plan.steps.push(waitForExitStep(g.files, SHUTDOWN_WAIT_S));
  plan.steps.push(...tapCleanupSteps(tapsOf(g.def)));
  return plan;
}

type LoadedGuest = Awaited<ReturnType<typeof loadGuest>>;

export async function planForGuestAction(
  deps: GuestActionDeps,
  input: { id: string; action: GuestAction; removeImages?: boolean | undefined },
  loaded?: LoadedGuest,
): Promise<{ plan: GuestPlan; hostLabel: string; hostId: string; host: LoadedGuest["host"]; createsImages: string[] }> {
  const g = loaded ?? (await loadGuest(deps.db, input.id));
  const name = g.def.name;
  let plan: GuestPlan;
  let createsImages: string[] = [];
  switch (input.action) {
    case "start": {
      // One target for every read of this start, built from the row already loaded.
      const target = g.host.hostKeyFingerprint ? targetOfHost(deps.secret, g.host) : undefined;
      const { createsImages: made, ...start } = await startPlan({ ...deps, target }, g);
      plan = start;
      createsImages = made;
      break;
    }
    case "shutdown":
      plan = shutdownPlan(g);
      break;
    case "force-stop":
      plan = planForceStop({ name, files: g.files, taps: tapsOf(g.def) });
      break;
    case "reboot":
      plan = planRebootGuest({ name, files: g.files });
      break;
    case "pause":
      plan = planPauseGuest({ name, files: g.files });
      break;
    case "resume":
      plan = planResumeGuest({ name, files: g.files });
      break;
    case "delete": {
      const created = input.removeImages ? await imagesToDelete(deps.db, g.guest, g.def) : [];
      plan = planDeleteGuest({ name, files: g.files, roots: g.roots, removeImages: created });
      break;
    }
  }
  return { plan, hostLabel: hostLabel(g.host), hostId: g.host.id, host: g.host, createsImages };
}

/** A person's look at the host before an action (Show commands, the checks before a run): one audit row. */
async function guestPreflight<T>(
  deps: GuestActionDeps,
  guestId: string,
  action: string,
  body: (d: GuestActionDeps) => Promise<T>,
): Promise<T> {
  const { hostId } = await deps.db.guest.findUniqueOrThrow({ where: { id: guestId }, select: { hostId: true } });
  return withHostRead(deps, { hostId, action }, body);
}

export async function previewGuestAction(
  deps: GuestActionDeps,
  input: { id: string; action: GuestAction; removeImages?: boolean | undefined },
) {
  const { plan, hostLabel } = await guestPreflight(deps, input.id, "guest.preview", (d) => planForGuestAction(d, input));
  return { plan, script: planToShellScript(plan, hostLabel) };
}

export async function runGuestAction(
  deps: GuestActionDeps,
  input: { id: string; action: GuestAction; removeImages?: boolean | undefined },
) {
  const g = await loadGuest(deps.db, input.id);
  requireConfirmedHostKey(g.host);
  // One read row for the person's checks. A start reads the guest's state and makes its plan
  // at once: both only read the host, and a state that refuses the start discards the plan.
  const { plan, hostId, createsImages } = await withHostRead(deps, { hostId: g.host.id, action: "guest.preflight" }, async (d) => {
    const planning = input.action === "start" ? planForGuestAction(d, input, g) : null;
    planning?.catch(() => undefined); // awaited below, once the state allows the action
    const now = await readGuestState(d, input.id, { fresh: true });
    if (!allowedActions(now.state).includes(input.action)) {
      await planning?.catch(() => undefined);
      throw new LabdeckError("CONFLICT", `cannot ${input.action} a guest that is ${now.state} (${now.detail})`);
    }
    forgetGuestState(input.id);
    return planning ?? planForGuestAction(d, input, g);
  });
  const kind = input.action === "delete" ? "guest-delete" : input.action === "start" ? "guest-start" : "plan";
  return startJob(deps, {
    hostId,
    kind,
    title: plan.title,
    plan: { ...plan, guestId: input.id, ...(input.action === "start" ? { createsImages } : {}) },
  });
}
