import { z } from "zod";
import type { Db } from "../db";

export const ZAuditFilter = z.object({
  username: z.string().max(64).optional(),
  hostId: z.string().max(64).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  failedOnly: z.boolean().default(false),
  kind: z.enum(["command", "inventory", "auth"]).optional(),
  cursor: z.string().max(64).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type TAuditFilter = z.input<typeof ZAuditFilter>;

export async function queryAudit(db: Db, input: TAuditFilter) {
  const f = ZAuditFilter.parse(input);
  const rows = await db.auditEvent.findMany({
    where: {
      ...(f.username ? { username: f.username } : {}),
      ...(f.hostId ? { hostId: f.hostId } : {}),
      ...(f.kind ? { kind: f.kind } : {}),
      ...(f.failedOnly ? { outcome: { in: ["failed", "unknown"] } } : {}),
      ...(f.from || f.to ? { at: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lte: f.to } : {}) } } : {}),
    },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: f.limit + 1,
    ...(f.cursor ? { cursor: { id: f.cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, f.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      at: r.at,
      username: r.username,
      kind: r.kind,
      action: r.action,
      hostId: r.hostId,
      hostName: r.hostName,
      jobId: r.jobId,
      argv: r.argvJson ? (JSON.parse(r.argvJson) as string[]) : null,
      exitStatus: r.exitStatus,
      outcome: r.outcome,
      durationMs: r.durationMs,
      outputExcerpt: r.outputExcerpt,
      details: r.detailsJson ? (JSON.parse(r.detailsJson) as Record<string, unknown>) : null,
    })),
    nextCursor: rows.length > f.limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}
