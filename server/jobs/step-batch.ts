import { randomBytes } from "node:crypto";

// Several fixed plan steps in ONE SSH exec, each still its own command with its own exit
// status, output, audit row and undo. The remote side is a fixed script (no caller data in
// its text): the commands arrive as positional parameters, each preceded by its length, and
// the script runs them in order with `eval` of a string made only of "${N}" references, so
// every argument reaches its program exactly as the argv array says. After each command it
// writes an end marker carrying a per-exec random nonce, on stdout (with the exit status)
// and on stderr, and it stops after the first command that fails, like the plan would.
// What must not break: a command's output cannot forge a marker (it cannot know the nonce),
// and nothing from the host decides where one command's output ends but the marker.

/** The wrapper script; `$1` is the nonce, then (count, argv…) per command. */
export const BATCH_SCRIPT = [
  "n=$1; shift; k=0",
  'while [ "$#" -gt 0 ]; do',
  "  c=$1; shift; i=1; cmd=",
  '  while [ "$i" -le "$c" ]; do cmd="$cmd \\"\\${$i}\\""; i=$((i+1)); done',
  '  eval "$cmd" </dev/null; s=$?',
  '  printf \'\\n%s end %d %d\\n\' "$n" "$k" "$s"; printf \'\\n%s end %d\\n\' "$n" "$k" >&2',
  '  shift "$c"; [ "$s" -eq 0 ] || exit 0; k=$((k+1))',
  "done",
].join("\n");

export function newBatchNonce(): string {
  return `ldk-batch-${randomBytes(16).toString("hex")}`;
}

/** The one argv that runs every command of the batch on the host. */
export function batchArgv(nonce: string, commands: readonly (readonly string[])[]): string[] {
  if (commands.length === 0) throw new Error("an empty batch");
  return [
    "sh",
    "-c",
    BATCH_SCRIPT,
    "sh",
    nonce,
    ...commands.flatMap((argv) => {
      if (argv.length === 0) throw new Error("an empty command in a batch");
      return [String(argv.length), ...argv];
    }),
  ];
}

export interface BatchCommandEnd {
  index: number;
  exitStatus: number;
  stdout: string;
  stderr: string;
  /** When both of its markers had arrived (ms, Date.now()). */
  at: number;
}

// A command's own output is kept up to this much per stream (head and tail), like an excerpt.
const KEEP_BYTES = 256 * 1024;

class StreamSplitter {
  private buf: Buffer = Buffer.alloc(0);
  private dropped = 0;
  readonly ends: { status: number | null; text: string }[] = [];

  constructor(
    private readonly marker: Buffer,
    private readonly withStatus: boolean,
    private readonly onEnd: () => void,
  ) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const at = this.buf.indexOf(this.marker);
      if (at < 0) break;
      const nl = this.buf.indexOf(0x0a, at + this.marker.length);
      if (nl < 0) return; // the marker's line is not complete yet
      const fields = this.buf
        .subarray(at + this.marker.length, nl)
        .toString("latin1")
        .split(" ");
      const status = this.withStatus ? Number(fields[1]) : null;
      const text = this.buf.subarray(0, at).toString("utf8") + (this.dropped > 0 ? `\n… [${this.dropped} bytes omitted] …` : "");
      this.ends.push({ status: status !== null && Number.isInteger(status) ? status : null, text });
      this.buf = this.buf.subarray(nl + 1);
      this.dropped = 0;
      this.onEnd();
    }
    // No marker in sight: keep the head and enough of the tail to find a marker split across chunks.
    if (this.buf.length > 2 * KEEP_BYTES) {
      const cut = this.buf.length - KEEP_BYTES;
      this.dropped += cut - KEEP_BYTES;
      this.buf = Buffer.concat([this.buf.subarray(0, KEEP_BYTES), this.buf.subarray(cut)]);
    }
  }

  /** What the command still running printed so far (no marker yet). */
  rest(): string {
    return this.buf.toString("utf8");
  }
}

/**
 * Splits the batch's stdout and stderr into each command's output, calling `onEnd` once a
 * command's end markers have arrived on both streams, in order.
 */
export class BatchSplitter {
  private readonly out: StreamSplitter;
  private readonly err: StreamSplitter;
  private reported = 0;

  constructor(
    nonce: string,
    private readonly onEnd: (end: BatchCommandEnd) => void,
  ) {
    const marker = Buffer.from(`\n${nonce} end `);
    this.out = new StreamSplitter(marker, true, () => this.check());
    this.err = new StreamSplitter(marker, false, () => this.check());
  }

  stdout(chunk: Buffer): void {
    this.out.push(chunk);
  }

  stderr(chunk: Buffer): void {
    this.err.push(chunk);
  }

  /** How many commands have ended. */
  get ended(): number {
    return this.reported;
  }

  /** Output of the command under way when the exec ended without its markers. */
  unfinished(): { stdout: string; stderr: string } {
    const o = this.out.ends[this.reported];
    const e = this.err.ends[this.reported];
    return { stdout: o ? o.text : this.out.rest(), stderr: e ? e.text : this.err.rest() };
  }

  private check(): void {
    while (this.reported < this.out.ends.length && this.reported < this.err.ends.length) {
      const o = this.out.ends[this.reported] as { status: number | null; text: string };
      const e = this.err.ends[this.reported] as { text: string };
      // A marker line without a readable status ends the command as failed (255), never ok.
      this.onEnd({ index: this.reported, exitStatus: o.status ?? 255, stdout: o.text, stderr: e.text, at: Date.now() });
      this.reported++;
    }
  }
}
