import { z } from "zod";
import type { Db } from "../db";
import { retryWhileBusy } from "../db-busy";

// The audit row is written (awaited) before the action's result is shown to anyone:
// callers await these functions before returning or publishing a step result. A command
// that ran must not lose its row to another process holding the database lock, so the
// write is retried while the database is busy (db-busy.ts).

const EXCERPT_MAX = 2000;

export interface Actor {
  userId: string | null;
  username: string;
  ip?: string | undefined;
}

export const ZCommandAudit = z.object({
  hostId: z.string(),
  hostName: z.string(),
  jobId: z.string().nullable(),
  argv: z.array(z.string()),
  exitStatus: z.number().int().nullable(),
  outcome: z.enum(["ok", "failed", "unknown"]),
  durationMs: z.number().int().nonnegative(),
  output: z.string(),
});

/** How a command's result reads in the audit log: a lost exit status is "unknown", never ok. */
export function auditOutcome(r: { outcome: string; exitStatus: number | null }): "ok" | "failed" | "unknown" {
  if (r.outcome === "connection-lost") return "unknown";
  return r.outcome === "exited" && r.exitStatus === 0 ? "ok" : "failed";
}

export function excerpt(text: string): string {
  if (text.length <= EXCERPT_MAX) return text;
  const half = EXCERPT_MAX / 2;
  return `${text.slice(0, half)}\n… [${text.length - EXCERPT_MAX} characters omitted] …\n${text.slice(-half)}`;
}

export async function auditCommand(db: Db, actor: Actor, input: z.input<typeof ZCommandAudit>): Promise<void> {
  const e = ZCommandAudit.parse(input);
  await retryWhileBusy(`audit row for ${e.argv[0] ?? "a command"} on ${e.hostName}`, () => db.auditEvent.create({
    data: {
      userId: actor.userId,
      username: actor.username,
      kind: "command",
      action: e.argv[0] ?? "",
      hostId: e.hostId,
      hostName: e.hostName,
      jobId: e.jobId,
      argvJson: JSON.stringify(e.argv),
      exitStatus: e.exitStatus,
      outcome: e.outcome,
      durationMs: e.durationMs,
      outputExcerpt: excerpt(e.output),
    },
  }));
}

export const ZInventoryAudit = z.object({
  kind: z.enum(["inventory", "auth"]),
  action: z.string().min(1),
  hostId: z.string().nullable().optional(),
  hostName: z.string().nullable().optional(),
  outcome: z.enum(["ok", "failed"]).default("ok"),
  details: z.record(z.string(), z.unknown()).optional(),
});

export async function auditEvent(db: Db, actor: Actor, input: z.input<typeof ZInventoryAudit>): Promise<void> {
  const e = ZInventoryAudit.parse(input);
  await retryWhileBusy(`audit row for ${e.action}`, () => db.auditEvent.create({
    data: {
      userId: actor.userId,
      username: actor.username,
      kind: e.kind,
      action: e.action,
      hostId: e.hostId ?? null,
      hostName: e.hostName ?? null,
      outcome: e.outcome,
      detailsJson: JSON.stringify({ ...(e.details ?? {}), ...(actor.ip ? { ip: actor.ip } : {}) }),
    },
  }));
}
