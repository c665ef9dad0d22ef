import { DEFAULT_HYPERVISOR } from "../../lib/guest-states";
import { hypervisorFor } from "../hypervisors/registry";
import { planToShellScript } from "../jobs/plan-script";
import { buildStartPlan } from "./guest-actions";
import { readImageFormat } from "./guest-images";
import { prepareDefinition } from "./guest-service";
import { guestHostOf, hostRoots } from "./guest-host";
import { readFromHost, withHostRead, type ReadDeps } from "./host-read";
import { hostLabel } from "./host-identity";

// What the new-guest wizard asks before anything is saved: the start plan a definition
// gives on its host, an existing image's format, a pasted command line read back as a
// definition. Each reads the host at most once, in one audited read.

/** The start plan a definition gives on its host (reads the host), before anything is saved. */
export async function previewDefinition(
  deps: ReadDeps,
  input: { hostId: string; hypervisor?: string | undefined; definition: Record<string, unknown> },
) {
  const hv = hypervisorFor(input.hypervisor ?? DEFAULT_HYPERVISOR);
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: input.hostId } });
  const def = await prepareDefinition(deps.db, hv, host, input.definition);
  const { createsImages: _made, ...plan } = await withHostRead(deps, { hostId: host.id, action: "guest.preview-definition" }, (d) =>
    buildStartPlan(d, hv, host, def),
  );
  // The filled-in definition comes back: a MAC generated here is the one the wizard saves.
  return {
    plan,
    script: planToShellScript(plan, hostLabel(host)),
    accel: hv.definition.accel(def, guestHostOf(host)),
    roots: hostRoots(host),
    definition: def,
  };
}

/**
 * The one-time read of an existing image's format the wizard shows (first bytes, then
 * qemu-img info with that format forced and its chain checked); the user then saves it.
 */
export async function readWizardImageFormat(deps: ReadDeps, input: { hostId: string; path: string }) {
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: input.hostId } });
  return withHostRead(deps, { hostId: host.id, action: "guest.read-image-format" }, (d) =>
    readImageFormat((argv) => readFromHost(d, host.id, argv), input.path, hostRoots(host)),
  );
}

/** A pasted command line as a definition; with a host, filled in with that host's defaults. */
export async function importCommandLine(
  deps: Pick<ReadDeps, "db">,
  input: { text: string; hypervisor?: string | undefined; hostId?: string | undefined },
) {
  const hv = hypervisorFor(input.hypervisor ?? DEFAULT_HYPERVISOR);
  const imported = hv.importer.fromText(input.text);
  if (input.hostId === undefined) return imported;
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: input.hostId } });
  return hv.importer.forHost(imported, guestHostOf(host));
}
