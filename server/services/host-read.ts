import type { Db } from "../db";
import { auditCommand, auditOutcome, type Actor } from "../audit/audit-writer";
import { LabdeckError } from "../errors";
import type { ExecResult, SshExecutor } from "../ssh/types";
import { hostTarget } from "./host-target";

// A read of a host outside any job (listing, parsing state). It makes no plan, but every
// command still lands in the audit log before its result is returned.

export interface ReadDeps {
  db: Db;
  ssh: SshExecutor;
  secret: Buffer;
  actor: Actor;
}

export async function readFromHost(deps: ReadDeps, hostId: string, argv: string[], timeoutMs = 20_000): Promise<ExecResult> {
  const target = await hostTarget(deps.db, deps.secret, hostId);
  if (!target.pinnedFingerprint) throw new LabdeckError("HOST_KEY_UNKNOWN", `host ${target.name} has no confirmed host key yet`);
  const result = await deps.ssh.exec(target, argv, { timeoutMs });
  await auditCommand(deps.db, deps.actor, {
    hostId,
    hostName: target.name,
    jobId: null,
    argv,
    exitStatus: result.exitStatus,
    outcome: auditOutcome(result),
    durationMs: result.durationMs,
    output: result.stdout + (result.stderr ? `\n[stderr]\n${result.stderr}` : ""),
  });
  return result;
}
