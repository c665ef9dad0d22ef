import type { TGuestDefinitionInput } from "../hypervisors/qemu/guest-definition";
import { importQemuCommandLine } from "../hypervisors/qemu/import-cmdline";
import { importForHost } from "../hypervisors/qemu/import-defaults";
import { planToShellScript } from "../jobs/plan-script";
import { buildStartPlan } from "./guest-actions";
import { readImageFormat } from "./guest-images";
import { hostRoots, prepareDefinition, probeOf, resolveAccel } from "./guest-service";
import { readFromHost, withHostRead, type ReadDeps } from "./host-read";
import { hostLabel } from "./host-identity";

// What the new-guest wizard asks before anything is saved: the start plan a definition
// gives on its host, an existing image's format, a pasted QEMU command line read back as a
// definition. Each reads the host at most once, in one audited read.

/** The start plan a definition gives on its host (reads the host), before anything is saved. */
export async function previewDefinition(deps: ReadDeps, input: { hostId: string; definition: TGuestDefinitionInput }) {
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: input.hostId } });
  const def = await prepareDefinition(deps.db, host, input.definition);
  const { createsImages: _made, ...plan } = await withHostRead(deps, { hostId: host.id, action: "guest.preview-definition" }, (d) =>
    buildStartPlan(d, host, def),
  );
  // The filled-in definition comes back: a MAC generated here is the one the wizard saves.
  return {
    plan,
    script: planToShellScript(plan, hostLabel(host)),
    accel: resolveAccel(def, host),
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

/** A pasted QEMU command line as a definition; with a host, filled in with that host's defaults. */
export async function importCommandLine(deps: Pick<ReadDeps, "db">, input: { text: string; hostId?: string | undefined }) {
  const imported = importQemuCommandLine(input.text);
  if (input.hostId === undefined) return imported;
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: input.hostId } });
  return importForHost(imported, { name: host.name, probe: probeOf(host) });
}
