import type { TPlanStep } from "../jobs/plan";
import type { ExecResult, SshExecutor, SshTarget } from "../ssh/types";

// Runs plan steps straight through an SSH executor, for integration tests that exercise
// plans on a lab VM without a database or a job queue. It keeps the promise of
// server/jobs/plan-job.ts that matters to storage: when a step fails, the undo steps
// of the completed steps run in reverse, so a failed plan leaves nothing half-made.

export interface StepsRun {
  ok: boolean;
  /** The step that failed, with what the host said. */
  failed: { index: number; purpose: string; result: ExecResult } | null;
  /** Purposes of the undo steps that ran, in the order they ran. */
  undone: string[];
  /** Undo steps that did not succeed either: the test should look at the host. */
  undoFailures: string[];
  /** Each step that ran, with its duration as the SSH layer measured it. */
  ran: { purpose: string; ms: number }[];
}

function succeeded(step: TPlanStep, r: ExecResult): boolean {
  return r.outcome === "exited" && r.exitStatus !== null && (r.exitStatus === 0 || (step.okExitStatuses ?? []).includes(r.exitStatus));
}

export async function runPlanSteps(ssh: SshExecutor, target: SshTarget, steps: readonly TPlanStep[]): Promise<StepsRun> {
  const done: TPlanStep[] = [];
  const ran: StepsRun["ran"] = [];
  for (const [index, step] of steps.entries()) {
    const result = await ssh.exec(target, step.argv, { stdin: step.stdin, timeoutMs: step.timeoutMs ?? 120_000 });
    ran.push({ purpose: step.purpose, ms: result.durationMs });
    if (succeeded(step, result)) {
      done.push(step);
      continue;
    }
    if (step.bestEffort) continue;
    const undone: string[] = [];
    const undoFailures: string[] = [];
    for (const s of done.filter((d) => d.undo !== undefined).reverse()) {
      if (s.undo === undefined) continue;
      const r = await ssh.exec(target, s.undo, { timeoutMs: 120_000 });
      undone.push(s.purpose);
      if (r.outcome !== "exited" || r.exitStatus !== 0)
        undoFailures.push(`${s.purpose}: ${r.outcome} ${String(r.exitStatus)} ${r.stderr.trim()}`);
    }
    return { ok: false, failed: { index, purpose: step.purpose, result }, undone, undoFailures, ran };
  }
  return { ok: true, failed: null, undone: [], undoFailures: [], ran };
}
