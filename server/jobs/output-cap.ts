// Bounds on what a job keeps of its steps' output. A host command can print without end
// (a `yes`, a runaway guest log, a hostile host): every byte still goes live to the job's
// watchers, but the in-memory transcript (replayed to late watchers) and the persisted one
// keep only the head and the tail of each step, and a marker saying how many bytes went.
// The head holds what a command says first (its banner, its first error); the tail holds
// how it ended. A total per job bounds a plan of many chatty steps.
//
// What must not break: everything published live is published exactly once, and the
// stored events are a subset of it plus the marker, in order (head, marker, tail).

export const STEP_HEAD_BYTES = 128 * 1024;
export const STEP_TAIL_BYTES = 128 * 1024;
export const JOB_OUTPUT_BYTES = 4 * 1024 * 1024;

export type OutputStream = "stdout" | "stderr";

export interface OutputLimits {
  headBytes: number;
  tailBytes: number;
}

/** What is left of a job's allowance for stored output, shared by its steps. */
export class JobOutputBudget {
  constructor(public remaining: number = JOB_OUTPUT_BYTES) {}

  take(wanted: number): number {
    const got = Math.max(0, Math.min(wanted, this.remaining));
    this.remaining -= got;
    return got;
  }

  give(bytes: number): void {
    this.remaining += bytes;
  }
}

/** The last index <= at that starts a UTF-8 character, so a cut never splits one. */
export function utf8Boundary(buf: Buffer, at: number): number {
  let i = Math.max(0, Math.min(at, buf.length));
  while (i > 0 && i < buf.length && ((buf[i] as number) & 0xc0) === 0x80) i--;
  return i;
}

export interface OutputSinks {
  /** Store in the transcript and publish live. */
  publish(stream: OutputStream, text: string): void;
  /** Publish live only: watchers get it, the transcript does not. */
  publishLive(stream: OutputStream, text: string): void;
  /** Store in the transcript without publishing (watchers already have these bytes). */
  store(stream: OutputStream, text: string): void;
  /** The marker: stored and published, between the head and the tail. */
  dropped(bytes: number): void;
}

/** One step's output: head stored as it comes, the rest live, the tail stored at the end. */
export class StepOutput {
  private headLeft: number;
  private readonly tailCap: number;
  private tail: Array<{ stream: OutputStream; buf: Buffer }> = [];
  private tailSize = 0;
  private droppedBytes = 0;
  private ended = false;

  constructor(
    private readonly budget: JobOutputBudget,
    private readonly sinks: OutputSinks,
    limits: OutputLimits = { headBytes: STEP_HEAD_BYTES, tailBytes: STEP_TAIL_BYTES },
  ) {
    this.headLeft = budget.take(limits.headBytes);
    this.tailCap = budget.take(limits.tailBytes);
  }

  /** Bytes neither in the head nor in the tail (so far). */
  get dropped(): number {
    return this.droppedBytes;
  }

  push(stream: OutputStream, chunk: Buffer): void {
    if (chunk.length === 0 || this.ended) return;
    let rest = chunk;
    if (this.headLeft > 0) {
      const cut = chunk.length <= this.headLeft ? chunk.length : utf8Boundary(chunk, this.headLeft);
      if (cut > 0) {
        this.sinks.publish(stream, chunk.subarray(0, cut).toString("utf8"));
        this.headLeft -= cut;
      }
      // A character that does not fit whole ends the head: the rest goes to the tail.
      if (cut < chunk.length) this.headLeft = 0;
      rest = chunk.subarray(cut);
      if (rest.length === 0) return;
    }
    this.sinks.publishLive(stream, rest.toString("utf8"));
    this.keepTail(stream, rest);
  }

  private keepTail(stream: OutputStream, buf: Buffer): void {
    // Copied: ssh2 may reuse its buffers, and a subarray would pin the whole chunk.
    this.tail.push({ stream, buf: Buffer.from(buf) });
    this.tailSize += buf.length;
    while (this.tailSize > this.tailCap) {
      const first = this.tail[0];
      if (first === undefined) break;
      const excess = this.tailSize - this.tailCap;
      if (first.buf.length <= excess) {
        this.tail.shift();
        this.tailSize -= first.buf.length;
        this.droppedBytes += first.buf.length;
      } else {
        // Cut forward to a character start so the kept tail decodes cleanly.
        let cut = excess;
        while (cut < first.buf.length && ((first.buf[cut] as number) & 0xc0) === 0x80) cut++;
        first.buf = first.buf.subarray(cut);
        this.tailSize -= cut;
        this.droppedBytes += cut;
      }
    }
  }

  /** Stores the marker and the tail; returns unused allowance to the job. Idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.droppedBytes > 0) this.sinks.dropped(this.droppedBytes);
    // Adjacent pieces of one stream are stored as one event: fewer, larger transcript lines.
    const groups: Array<{ stream: OutputStream; parts: Buffer[] }> = [];
    for (const t of this.tail) {
      const last = groups[groups.length - 1];
      if (last?.stream === t.stream) last.parts.push(t.buf);
      else groups.push({ stream: t.stream, parts: [t.buf] });
    }
    for (const g of groups) this.sinks.store(g.stream, Buffer.concat(g.parts).toString("utf8"));
    this.budget.give(this.headLeft + (this.tailCap - this.tailSize));
    this.headLeft = 0;
    this.tail = [];
  }
}
