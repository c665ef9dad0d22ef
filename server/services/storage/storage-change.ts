import { auditEvent } from "../../audit/audit-writer";
import { badInput, LabdeckError } from "../../errors";
import { planToShellScript } from "../../jobs/plan-script";
import type { TPlan, TPlanStep } from "../../jobs/plan";
import { ZStorageOp, type TStorageOp } from "../../storage/ops";
import { buildStoragePlan, storageOpReads } from "../../storage/plan/build-storage-plan";
import type { StorageOpRead } from "../../storage/plan/types";
import type { ExecResult } from "../../ssh/types";
import { hostRoots } from "../guest-host";
import { withHostRead } from "../host-read";
import { assertUnderRoots } from "../../names";
import type { StorageDeps, StorageReadDeps } from "./storage-deps";
import type { HostReader } from "../../ssh/host-reader";
import { hostExec, readStorage, succeeded } from "./storage-read";
import { volumeUsers } from "./storage-view";
import { hostLabel } from "../host-identity";
import { recordJob } from "../job-create";

// A storage change from one op to a job. The plan is built against the host as read now
// (LVM, mounts, and whatever extra facts the op needs, such as the space a filesystem
// uses before a shrink); preview shows it, run builds it again from a fresh read and runs
// exactly that. What must not break: run never reuses a plan made from an older read,
// since a shrink planned against a filesystem that has grown since would cut into data.

export interface StorageChangeInput {
  hostId: string;
  /** Checked here, not at the API edge, so a refusal names the op's own field ("op.size"). */
  op: unknown;
}

export function parseStorageOp(raw: unknown): TStorageOp {
  const parsed = ZStorageOp.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw badInput(["op", ...(issue?.path ?? [])].map(String).join("."), issue?.message ?? "not a storage operation");
}

/**
 * The extra facts an op needs (does the path exist, how full is the filesystem). Each
 * read answers "absent" with exit 0, so a failure means the host could not be asked:
 * planning stops there rather than guess.
 */
async function runOpReads(exec: HostReader, wanted: readonly StorageOpRead[]): Promise<Record<string, string>> {
  const results = await Promise.all(wanted.map((r) => exec({ argv: r.argv, purpose: r.purpose })));
  const reads: Record<string, string> = {};
  wanted.forEach((r, i) => {
    const res = results[i] as ExecResult;
    if (!succeeded(res)) throw new LabdeckError("INTERNAL", `could not ${r.purpose}: ${res.stderr.trim() || res.outcome}`);
    reads[r.id] = res.stdout;
  });
  return reads;
}

interface BuiltStorageChange {
  title: string;
  summary: string;
  warnings: string[];
  steps: TPlanStep[];
  plan: TPlan | null;
  script: string;
}

async function buildChange(deps: StorageReadDeps, input: StorageChangeInput, op: TStorageOp): Promise<BuiltStorageChange> {
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: input.hostId } });
  // Paths are checked before the op's own reads run: not even `test -e` or qemu-img info
  // may look at a file outside the host's roots.
  const roots = hostRoots(host);
  if ("path" in op) assertUnderRoots("op.path", op.path, roots);
  if ("target" in op) assertUnderRoots("op.target", op.target, roots);
  const exec = await hostExec(deps, host.id);
  const [storage, usedBy] = await Promise.all([readStorage(exec), volumeUsers(deps.db, host.id)]);
  const reads = await runOpReads(exec, storageOpReads(storage, op));
  const built = buildStoragePlan(storage, op, { roots, usedBy, reads });
  const title = `${host.name}: ${built.title}`;
  const plan: TPlan | null = built.steps.length > 0 ? { title, steps: built.steps } : null;
  return {
    title,
    summary: built.summary,
    warnings: built.warnings,
    steps: built.steps,
    plan,
    script: plan ? planToShellScript(plan, hostLabel(host)) : "",
  };
}

/** The plan an op gives on the host as it is now (reads the host; changes nothing). */
export async function previewStorageChange(deps: StorageReadDeps, input: StorageChangeInput) {
  const b = await withHostRead(deps, { hostId: input.hostId, action: "storage.preview" }, (d) =>
    buildChange(d, input, parseStorageOp(input.op)),
  );
  return { title: b.title, summary: b.summary, warnings: b.warnings, steps: b.steps, script: b.script, nothingToDo: b.plan === null };
}

/** Plans again from a fresh read and runs it as a job; jobId null when the host already is so. */
export async function runStorageChange(deps: StorageDeps, input: StorageChangeInput): Promise<{ jobId: string | null; summary: string }> {
  const op = parseStorageOp(input.op);
  const b = await withHostRead(deps, { hostId: input.hostId, action: "storage.plan" }, (d) => buildChange(d, input, op));
  if (b.plan === null) return { jobId: null, summary: b.summary };
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: input.hostId } });
  const job = await recordJob(deps, { hostId: host.id, kind: "plan", title: b.plan.title, plan: b.plan });
  // Written before the job may start: the audit log names who asked for what, with the op as typed.
  await auditEvent(deps.db, deps.actor, {
    kind: "inventory",
    action: "storage.change",
    hostId: host.id,
    hostName: host.name,
    details: { jobId: job.id, op, warnings: b.warnings },
  });
  deps.jobs.enqueue(job.id);
  return { jobId: job.id, summary: b.summary };
}
