import { listScratchArgv, parseScratchList } from "../hosts/scratch";
import { readFromHost, withHostRead, type ReadDeps } from "./host-read";

// The admin's view of a host's scratch directory (the test change's work area).

export async function listScratch(deps: ReadDeps, hostId: string): Promise<{ names: string[]; exitStatus: number | null }> {
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: hostId } });
  // find exits 1 when the scratch root does not exist yet: that is an empty list, "absent" in the audit.
  const res = await withHostRead(deps, { hostId: host.id, action: "host.scratch-list" }, (d) =>
    readFromHost(d, host.id, listScratchArgv(host.runDir), { optional: true }),
  );
  return { names: res.outcome === "exited" ? parseScratchList(res.stdout) : [], exitStatus: res.exitStatus };
}
