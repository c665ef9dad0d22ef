import type { LabHost } from "../../scripts/lab-host";
import type { Db } from "../db";
import type { SshExecutor } from "../ssh/types";

// A lab host added to the inventory the way a user does it: pasted key, scanned and
// confirmed fingerprint. Returns the inventory id.

export async function addPinnedLabHost(
  deps: { db: Db; ssh: SshExecutor; secret: Buffer; actor: { userId: string | null; username: string } },
  lab: LabHost,
  name: string,
): Promise<string> {
  const svc = await import("../services/host-service");
  // Lab hosts live under the harness's own directories: setting those roots is an admin's act.
  const host = await svc.createHost(
    { ...deps, role: "admin" },
    {
      name,
      address: lab.address,
      port: lab.port,
      username: "root",
      runDir: lab.runDir,
      // The namespace shares the machine's filesystem: persistence files stay in the lab dir.
      configRoot: `${lab.dir}/etc-root`,
      key: { source: "paste", privateKey: lab.privateKey },
    },
  );
  const scan = await svc.scanHostKey(deps, { id: host.id });
  if (scan.presented !== lab.hostKeyFingerprint)
    throw new Error(`lab host presented ${scan.presented}, expected ${lab.hostKeyFingerprint}`);
  await svc.pinHostKey(deps, { id: host.id, fingerprint: scan.presented, repin: false });
  return host.id;
}
