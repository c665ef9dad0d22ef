import type { LabHost } from "../../scripts/lab-host";
import { mapLimit } from "../concurrency";
import type { Db } from "../db";
import type { SshExecutor } from "../ssh/types";
import { addPinnedLabHost } from "./inventory-host";

// Many real lab hosts for the scale test and bench/scale.ts: started a few at a time (each
// is a namespace, a veth pair and an sshd) and added to the inventory as a user would
// (pasted key, scanned and confirmed fingerprint). Stop them with stopAll, also when a
// start failed halfway: every host started is in the returned list before anything throws.

const START_PARALLEL = 8;

export async function startLabHosts(n: number, prefix: string): Promise<{ hosts: LabHost[]; error: unknown }> {
  const { startLabHost } = await import("../../scripts/lab-host");
  const hosts: LabHost[] = [];
  let error: unknown = null;
  await mapLimit(
    Array.from({ length: n }, (_, i) => i),
    START_PARALLEL,
    async (i) => {
      if (error !== null) return;
      try {
        hosts.push(await startLabHost({ name: `${prefix}${i}` }));
      } catch (e) {
        error = e;
      }
    },
  );
  return { hosts, error };
}

export async function addPinnedLabHosts(
  deps: { db: Db; ssh: SshExecutor; secret: Buffer; actor: { userId: string | null; username: string } },
  hosts: readonly LabHost[],
  prefix: string,
): Promise<string[]> {
  return mapLimit(hosts, START_PARALLEL, (h, i) => addPinnedLabHost(deps, h, `${prefix}-${i}`));
}

export async function stopAll(hosts: readonly LabHost[]): Promise<void> {
  await mapLimit(hosts, START_PARALLEL, (h) => h.stop());
}
