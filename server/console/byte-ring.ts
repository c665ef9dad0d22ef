// A fixed-size ring of the most recent console output, replayed to a viewer who joins late.
// It holds bytes, not lines or characters: a replay may begin inside a UTF-8 sequence or an
// escape sequence, which xterm.js tolerates; never try to "fix" that by parsing output here.

export class ByteRing {
  private readonly buf: Buffer;
  private start = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("ByteRing capacity must be a positive integer");
    this.buf = Buffer.alloc(capacity);
  }

  get length(): number {
    return this.size;
  }

  write(chunk: Uint8Array): void {
    const cap = this.capacity;
    if (chunk.length >= cap) {
      this.buf.set(chunk.subarray(chunk.length - cap));
      this.start = 0;
      this.size = cap;
      return;
    }
    const end = (this.start + this.size) % cap;
    const first = Math.min(chunk.length, cap - end);
    this.buf.set(chunk.subarray(0, first), end);
    if (first < chunk.length) this.buf.set(chunk.subarray(first), 0);
    const total = this.size + chunk.length;
    if (total > cap) this.start = (this.start + total - cap) % cap;
    this.size = Math.min(total, cap);
  }

  /** The held bytes, oldest first, as a copy. */
  snapshot(): Buffer {
    const cap = this.capacity;
    if (this.start + this.size <= cap) return Buffer.from(this.buf.subarray(this.start, this.start + this.size));
    return Buffer.concat([this.buf.subarray(this.start), this.buf.subarray(0, (this.start + this.size) % cap)]);
  }

  clear(): void {
    this.start = 0;
    this.size = 0;
  }
}
