import { LabdeckError } from "../../errors";
import { buildHostStorage, type StorageReadOutputs, type THostStorage } from "../../storage/storage-model";
import { storageReadSteps } from "../../storage/read-commands";
import type { HostReader } from "../../ssh/host-reader";
import type { ExecResult } from "../../ssh/types";
import { readFromHost } from "../host-read";
import type { StorageReadDeps } from "./storage-deps";
import { requireConfirmedHostKey } from "../host-identity";

// The host's disks, LVM and mounts as they are now. Every command goes through the
// caller's executor: readFromHost (audited, outside a job; one row per read inside
// withHostRead) for the page and for planning.
// An optional step that fails (no lvm2, not root) means "no LVM", never "empty LVM": the
// model says lvmAvailable=false and the page shows why instead of an empty table.

export const succeeded = (r: ExecResult): boolean => r.outcome === "exited" && r.exitStatus === 0;

export async function readStorage(exec: HostReader): Promise<THostStorage> {
  const steps = storageReadSteps();
  // Together: the pool multiplexes them over one connection.
  const results = await Promise.all(steps.map((s) => exec({ argv: s.argv, purpose: s.purpose, optional: s.optional === true })));
  const outputs: StorageReadOutputs = {};
  steps.forEach((step, i) => {
    const r = results[i] as ExecResult;
    if (succeeded(r)) outputs[step.id] = r.stdout;
    else if (step.optional || step.needsRoot) outputs[step.id] = null;
    else throw new LabdeckError("INTERNAL", `reading the host's storage failed: ${step.argv.join(" ")}: ${r.stderr.trim() || r.outcome}`);
  });
  return buildHostStorage(outputs);
}

/** An audited executor for one host outside any job. */
export async function hostExec(deps: StorageReadDeps, hostId: string): Promise<HostReader> {
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: hostId } });
  requireConfirmedHostKey(host, { hint: true });
  return (s) => readFromHost(deps, hostId, s.argv, { purpose: s.purpose, ...(s.optional !== undefined ? { optional: s.optional } : {}) });
}
