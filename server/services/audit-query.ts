import { z } from "zod";
import type { Db } from "../db";
import { ZReadCommand, type TReadCommand } from "../audit/audit-writer";

// The audit page's query. A read row (kind "read") holds its commands in its details;
// they come back as `commands`, and the command search matches them as it matches a
// lone command row, through commandText (argvJson for rows older than that column).

export const ZAuditFilter = z.object({
  username: z.string().max(64).optional(),
  hostId: z.string().max(64).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  failedOnly: z.boolean().default(false),
  kind: z.enum(["command", "read", "inventory", "auth"]).optional(),
  /** Text in any command line of the row, e.g. "iptables-save" or "cat /etc/iproute2". */
  command: z.string().trim().max(200).optional(),
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
      ...(f.command ? { OR: [{ commandText: { contains: f.command } }, { commandText: null, argvJson: { contains: f.command } }] } : {}),
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
      ...splitDetails(r.detailsJson),
    })),
    nextCursor: rows.length > f.limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}

const ZReadCommands = z.array(ZReadCommand);

/** A read row's commands apart from the rest of its details, so the page lists them. */
function splitDetails(json: string | null): { details: Record<string, unknown> | null; commands: TReadCommand[] | null } {
  if (!json) return { details: null, commands: null };
  const { commands, ...rest } = JSON.parse(json) as Record<string, unknown>;
  const parsed = commands === undefined ? null : ZReadCommands.safeParse(commands);
  if (parsed === null) return { details: rest, commands: null };
  if (!parsed.success) return { details: { ...rest, commands }, commands: null };
  return { details: Object.keys(rest).length > 0 ? rest : null, commands: parsed.data };
}

/** Everyone who appears in the log, for the page's user filter. */
export async function auditUsernames(db: Db): Promise<string[]> {
  const rows = await db.auditEvent.findMany({ distinct: ["username"], select: { username: true }, orderBy: { username: "asc" } });
  return rows.map((r) => r.username);
}
