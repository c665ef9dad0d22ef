import { z } from "zod";
import type { Db } from "../db";
import type { Actor } from "../audit/audit-writer";
import { LabdeckError } from "../errors";
import { allowedActions, GUEST_ACTIONS, type GuestAction } from "../../lib/guest-states";
import type { GuestPlan } from "../hypervisors/contract";
import type { AnyHypervisor, GuestDefinition } from "../hypervisors/registry";
import type { JobRunner } from "../jobs/job-runner";
import { planToShellScript } from "../jobs/plan-script";
import type { SshExecutor, SshTarget } from "../ssh/types";
import { checkDiskImages, imagesToDelete } from "./guest-images";
import { guestHostOf, hostReaderOf, loadGuest, type LoadedGuest } from "./guest-host";
import { readGuestState, type GuestStates } from "./guest-state";
import { withHostRead, type ReadDeps } from "./host-read";
import { targetOfHost } from "./host-target";
import { hostLabel, requireConfirmedHostKey } from "./host-identity";
import { startJob } from "./job-create";

// Lifecycle of a guest as plans and jobs, the same for every kind: the kind
// (hypervisors/registry.ts) builds each plan; this decides which, checks the state allows
// it, and records the job. Building a start plan reads the host first (which images exist,
// what the existing ones are made of, the kind's own checks): those reads are audited like
// any command, and the plan shown is exactly the plan that runs.

export const ZGuestAction = z.enum(GUEST_ACTIONS);
export type { GuestAction };

export interface GuestActionDeps {
  db: Db;
  ssh: SshExecutor;
  secret: Buffer;
  jobs: JobRunner;
  actor: Actor;
  guestStates: GuestStates;
  /** The host's target, built once from the rows an action loaded. */
  target?: SshTarget | undefined;
}

/** How long an ACPI shutdown may take before the job fails and the page offers a force stop. */
export const SHUTDOWN_WAIT_S = 60;

type HostForPlan = Parameters<typeof guestHostOf>[0];

/** The start plan of a definition on a host; reads the host to learn which images exist. */
export async function buildStartPlan(
  deps: ReadDeps,
  hv: AnyHypervisor,
  host: HostForPlan,
  def: GuestDefinition,
): Promise<GuestPlan & { createsImages: string[] }> {
  // A definition still being written may name an LV the wizard makes on "Create", so its
  // LVs are checked when the saved guest starts, not here.
  return startPlan(deps, { hv, host: guestHostOf(host), def }, { checkLvs: false });
}

async function startPlan(
  deps: ReadDeps,
  g: Pick<LoadedGuest, "hv" | "host" | "def">,
  opts: { checkLvs: boolean } = { checkLvs: true },
): Promise<GuestPlan & { createsImages: string[] }> {
  // The save's own check first (a row saved by an older version may not pass it): nothing
  // is read from the host for a definition that cannot start.
  const def = g.hv.definition.check(g.def, g.host);
  const read = hostReaderOf(deps, g.host.id);
  const disks = g.hv.definition.disks(def);
  // The image checks (every kind's) and the kind's own reads are independent: asked at once,
  // each still its own audited command; the first refusal in this order is the one shown.
  const images = checkDiskImages(disks, g.host.roots, (argv) => read({ argv, purpose: "" }));
  images.catch(() => undefined); // the kind awaits it among its own checks
  const plan = await g.hv.plans.start({ def, host: g.host, read, images, checkLvs: opts.checkLvs });
  const { toCreate } = await images;
  return { ...plan, createsImages: toCreate.map((i) => disks[i]?.path ?? "") };
}

export async function planForGuestAction(
  deps: GuestActionDeps,
  input: { id: string; action: GuestAction; removeImages?: boolean | undefined },
  loaded?: LoadedGuest,
): Promise<{ plan: GuestPlan; hostLabel: string; hostId: string; createsImages: string[] }> {
  const g = loaded ?? (await loadGuest(deps.db, input.id));
  const { hv, def, files } = g;
  let plan: GuestPlan;
  let createsImages: string[] = [];
  switch (input.action) {
    case "start": {
      // One target for every read of this start, built from the row already loaded.
      const target = deps.target ?? (g.row.hostKeyFingerprint ? targetOfHost(deps.secret, g.row) : undefined);
      const { createsImages: made, ...start } = await startPlan({ ...deps, target }, g);
      plan = start;
      createsImages = made;
      break;
    }
    case "shutdown":
      plan = hv.plans.shutdown(def, files, SHUTDOWN_WAIT_S);
      break;
    case "force-stop":
      plan = hv.plans.forceStop(def, files);
      break;
    case "reboot":
      plan = hv.plans.reboot(def, files);
      break;
    case "pause":
      plan = hv.plans.pause(def, files);
      break;
    case "resume":
      plan = hv.plans.resume(def, files);
      break;
    case "delete": {
      const created = input.removeImages ? await imagesToDelete(deps.db, g.guest, hv.definition.disks(def)) : [];
      plan = hv.plans.remove(def, files, { roots: g.host.roots, removeImages: created });
      break;
    }
  }
  return { plan, hostLabel: hostLabel(g.row), hostId: g.row.id, createsImages };
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
  requireConfirmedHostKey(g.row);
  // One read row for the person's checks. A start reads the guest's state and makes its plan
  // at once: both only read the host, and a state that refuses the start discards the plan.
  // One target (one key decryption) for the state read, the plan's reads and nothing else.
  const once = { ...deps, target: targetOfHost(deps.secret, g.row) };
  const { plan, hostId, createsImages } = await withHostRead(once, { hostId: g.row.id, action: "guest.preflight" }, async (d) => {
    const planning = input.action === "start" ? planForGuestAction(d, input, g) : null;
    planning?.catch(() => undefined); // awaited below, once the state allows the action
    const now = await readGuestState(d, input.id, { fresh: true, guest: g.guest });
    if (!allowedActions(now.state).includes(input.action)) {
      await planning?.catch(() => undefined);
      throw new LabdeckError("CONFLICT", `cannot ${input.action} a guest that is ${now.state} (${now.detail})`);
    }
    deps.guestStates.forget(input.id);
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
