import { z } from "zod";
import type { Db } from "../db";
import { retryWhileBusy } from "../db-busy";
import { quoteArg } from "../ssh/quote";

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
  outcome: z.enum(["ok", "failed", "unknown", "absent"]),
  durationMs: z.number().int().nonnegative(),
  output: z.string(),
});

export type AuditOutcome = "ok" | "failed" | "unknown" | "absent";

/**
 * How a command's result reads in the audit log: a lost exit status is "unknown", never ok.
 * An optional command (a file or tool the host may lack) that exits non-zero is "absent":
 * the host answered, and the answer is "not here". A timeout or a lost connection on an
 * optional command is still failed/unknown: then "absent" would be a guess.
 */
export function auditOutcome(
  r: { outcome: string; exitStatus: number | null },
  opts: { optional?: boolean | undefined } = {},
): AuditOutcome {
  if (r.outcome === "connection-lost") return "unknown";
  if (r.outcome === "exited" && r.exitStatus === 0) return "ok";
  return opts.optional && r.outcome === "exited" ? "absent" : "failed";
}

/** The searchable form of a command, quoted as it ran; a NUL (refused before it could run) is shown escaped. */
function commandLine(argv: readonly string[]): string {
  return argv.map((a) => quoteArg(a.replaceAll("\0", "\\0"))).join(" ");
}

export function excerpt(text: string): string {
  if (text.length <= EXCERPT_MAX) return text;
  const half = EXCERPT_MAX / 2;
  return `${text.slice(0, half)}\n… [${text.length - EXCERPT_MAX} characters omitted] …\n${text.slice(-half)}`;
}

function commandRow(actor: Actor, input: z.input<typeof ZCommandAudit>) {
  const e = ZCommandAudit.parse(input);
  return {
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
    commandText: commandLine(e.argv),
  };
}

export async function auditCommand(db: Db, actor: Actor, input: z.input<typeof ZCommandAudit>): Promise<void> {
  const data = commandRow(actor, input);
  await retryWhileBusy(`audit row for ${data.action || "a command"} on ${data.hostName}`, () => db.auditEvent.create({ data }));
}

/**
 * Several commands' rows, one each, in the order given, in ONE transaction (one commit):
 * for commands whose results arrived together (a batch of job steps). All or none.
 */
export async function auditCommands(db: Db, actor: Actor, inputs: readonly z.input<typeof ZCommandAudit>[]): Promise<void> {
  if (inputs.length === 0) return;
  if (inputs.length === 1) return auditCommand(db, actor, inputs[0] as z.input<typeof ZCommandAudit>);
  const rows = inputs.map((i) => commandRow(actor, i));
  // One INSERT of many rows: one statement to compile and run, not one per command (a
  // probe of 100 hosts spent more time in the client's query compiler than on its hosts).
  await retryWhileBusy(`audit rows for ${rows.length} commands on ${rows[0]?.hostName ?? "a host"}`, () =>
    db.auditEvent.createMany({ data: rows }),
  );
}

// A read of a host (a page opened, a refresh pressed, a preview) is one row with its
// commands inside, not one row per command: ten rows for one look at a page buried the
// changes people made. Each command keeps what the audit promises (argv, exit status,
// duration, an output excerpt); commandText keeps every command line searchable.

const COMMAND_EXCERPT_MAX = 600;

export const ZReadCommand = z.object({
  argv: z.array(z.string()).min(1),
  purpose: z.string().optional(),
  exitStatus: z.number().int().nullable(),
  outcome: z.enum(["ok", "failed", "unknown", "absent"]),
  durationMs: z.number().int().nonnegative(),
  output: z.string(),
  /** Why an outcome is what it is ("optional: the host has no such file or tool"). */
  note: z.string().optional(),
});
export type TReadCommand = z.infer<typeof ZReadCommand>;

export const ZReadAudit = z.object({
  hostId: z.string(),
  hostName: z.string(),
  /** What was read, e.g. "network.read", "storage.read". */
  action: z.string().min(1).max(64),
  /** Set on a shared background refresh's summary row: why this refresh earned a row. */
  background: z.enum(["changed", "failed", "recovered"]).optional(),
  /** For a background summary row: what changed since the previous refresh. */
  changes: z.array(z.string().max(500)).max(50).optional(),
  /** The read ended with an error before or between commands (host unreachable, a parse failure). */
  error: z.string().optional(),
  commands: z.array(ZReadCommand).max(200),
});

/** The row's outcome is its worst command's: failed beats unknown beats ok; absent is ok. */
export function readOutcome(commands: readonly { outcome: AuditOutcome }[], error?: string): "ok" | "failed" | "unknown" {
  if (commands.some((c) => c.outcome === "failed")) return "failed";
  if (commands.some((c) => c.outcome === "unknown")) return "unknown";
  return error ? "failed" : "ok";
}

function shortExcerpt(text: string): string {
  if (text.length <= COMMAND_EXCERPT_MAX) return text;
  return `${text.slice(0, COMMAND_EXCERPT_MAX)}\n… [${text.length - COMMAND_EXCERPT_MAX} characters omitted]`;
}

export async function auditRead(db: Db, actor: Actor, input: z.input<typeof ZReadAudit>): Promise<void> {
  const e = ZReadAudit.parse(input);
  const commands = e.commands.map((c) => ({ ...c, output: shortExcerpt(c.output) }));
  const durationMs = commands.reduce((max, c) => Math.max(max, c.durationMs), 0);
  await retryWhileBusy(`audit row for a read of ${e.hostName}`, () =>
    db.auditEvent.create({
      data: {
        userId: actor.userId,
        username: actor.username,
        kind: "read",
        action: e.action,
        hostId: e.hostId,
        hostName: e.hostName,
        outcome: readOutcome(commands, e.error),
        durationMs,
        commandText: commands.map((c) => commandLine(c.argv)).join("\n"),
        detailsJson: JSON.stringify({
          commands,
          ...(e.background ? { background: e.background } : {}),
          ...(e.changes ? { changes: e.changes } : {}),
          ...(e.error ? { error: e.error } : {}),
          ...(actor.ip ? { ip: actor.ip } : {}),
        }),
      },
    }),
  );
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
  await retryWhileBusy(`audit row for ${e.action}`, () =>
    db.auditEvent.create({
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
    }),
  );
}
