import { z } from "zod";

// What a job's transcript is made of. Stored as NDJSON in Job.transcript and streamed live
// to every viewer; both must stay parseable by ZJobEvent.

export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "unknown", "cancelled"] as const;
export const ZJobStatus = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof ZJobStatus>;

export function isFinished(status: JobStatus): boolean {
  return status !== "queued" && status !== "running";
}

export const ZJobEvent = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("step-start"),
    index: z.number().int(),
    argv: z.array(z.string()),
    purpose: z.string(),
    undo: z.boolean().default(false),
    at: z.number(),
    /** How long the step may run before Labdeck gives up on it. */
    timeoutMs: z.number().int().optional(),
  }),
  z.object({ type: z.literal("output"), index: z.number().int(), stream: z.enum(["stdout", "stderr"]), text: z.string() }),
  // The step printed more than a transcript keeps (server/jobs/output-cap.ts): `bytes` of its
  // output between the stored head and tail went live to watchers only.
  z.object({ type: z.literal("output-dropped"), index: z.number().int(), bytes: z.number().int() }),
  z.object({
    type: z.literal("step-end"),
    index: z.number().int(),
    // "unknown": the job ended (another step failed, or it was cancelled) while this one was
    // still under way; what it did on the host was not read back.
    outcome: z.enum(["exited", "timeout", "cancelled", "connection-lost", "not-run", "unknown"]),
    exitStatus: z.number().int().nullable(),
    durationMs: z.number(),
    error: z.string().optional(),
    code: z.string().nullable().optional(),
  }),
  z.object({ type: z.literal("note"), text: z.string(), at: z.number() }),
  z.object({
    type: z.literal("status"),
    status: ZJobStatus,
    error: z.string().nullable().optional(),
    failedStep: z.number().int().nullable().optional(),
    code: z.string().nullable().optional(),
    at: z.number(),
  }),
]);
export type JobEvent = z.infer<typeof ZJobEvent>;

export function parseTranscript(ndjson: string): JobEvent[] {
  const events: JobEvent[] = [];
  for (const line of ndjson.split("\n")) {
    if (!line) continue;
    const parsed = ZJobEvent.safeParse(JSON.parse(line));
    if (parsed.success) events.push(parsed.data);
  }
  return events;
}

export function serializeEvents(events: readonly JobEvent[]): string {
  return events.map((e) => `${JSON.stringify(e)}\n`).join("");
}
