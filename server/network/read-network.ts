import type { HostReader, HostReadStep } from "../ssh/host-reader";
import type { ExecResult } from "../ssh/types";
import { LabdeckError } from "../errors";
import { buildHostNetwork, type NetworkReadOutputs, type THostNetwork } from "./network-model";
import { networkReadSteps, routeGetArgv } from "./read-commands";
import { parseSshConnection } from "./parse-sysctl";

// Runs the read steps through whatever executes commands for the caller (an audited read
// outside a job, or a job's own step runner after an apply, so the redraw is part of
// the job's record) and assembles the model. The steps go out together: the pool
// multiplexes them over one connection, and a read costs one round trip, not ten.

// The network reads say "optional" as a plain yes or no: a job step can carry only that.
export async function readNetwork(
  read: HostReader<HostReadStep & { optional?: boolean | undefined }>,
  opts: { rtTablesFile?: string } = {},
): Promise<THostNetwork> {
  const steps = networkReadSteps(opts);
  const results = await Promise.all(steps.map((s) => read({ ...s, optional: s.optional === true })));
  const outputs: NetworkReadOutputs = {};
  steps.forEach((step, i) => {
    const r = results[i] as ExecResult;
    if (r.outcome === "exited" && r.exitStatus === 0) outputs[step.id] = r.stdout;
    else if (step.optional || step.needsRoot) outputs[step.id] = null;
    else throw new LabdeckError("INTERNAL", `reading the network failed: ${step.argv.join(" ")}: ${r.stderr.trim() || r.outcome}`);
  });
  const ssh = parseSshConnection(outputs["ssh-connection"] ?? "");
  if (ssh) {
    const r = await read({ argv: routeGetArgv(ssh), purpose: "learn which interface carries Labdeck's SSH session" });
    outputs["route-get"] = r.exitStatus === 0 ? r.stdout : null;
  }
  return buildHostNetwork(outputs);
}
