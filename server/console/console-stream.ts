// Offset accounting for one guest's console stream, as pure code: a scrollback ring that knows
// the log offset of every byte it holds, boot marks placed at their exact byte, and what a
// viewer who joins (or comes back with a position) gets. No I/O here; console-hub.ts drives it.
// What must not break: what a viewer is sent is contiguous from the position it is told, and
// every mark sits between the byte before its offset and the byte at it: never a duplicate,
// never a silent gap.
import { ByteRing } from "./byte-ring";
import type { BootMark } from "./console-boots";
import type { LogPosition } from "./serial-follow";

export type StreamItem = { kind: "data"; bytes: Buffer } | { kind: "boot"; mark: BootMark };

/** The last `capacity` bytes of the current log file, with the offset of each. */
export class OffsetRing {
  private readonly ring: ByteRing;
  private inodeValue: string | null = null;
  private endOffset = 0;

  constructor(capacity: number) {
    this.ring = new ByteRing(capacity);
  }

  get inode(): string | null {
    return this.inodeValue;
  }

  /** Offset of the next byte the log will give. */
  get end(): number {
    return this.endOffset;
  }

  get start(): number {
    return this.endOffset - this.ring.length;
  }

  /** Starts over at a position (a new log file, or a jump the follower reported). */
  reset(pos: LogPosition): void {
    this.ring.clear();
    this.inodeValue = pos.inode;
    this.endOffset = pos.offset;
  }

  append(chunk: Buffer): void {
    this.ring.write(chunk);
    this.endOffset += chunk.length;
  }

  /** The held bytes from `offset` on; null when the ring does not reach back that far. */
  bytesFrom(offset: number): Buffer | null {
    if (offset < this.start || offset > this.endOffset) return null;
    return this.ring.snapshot().subarray(offset - this.start);
  }
}

/**
 * `bytes` starting at log offset `start`, split at the marks that fall inside it. A mark at
 * `start` (or before it: announced late) comes first, one at the end comes last: a mark is
 * due once every byte before its offset has been given.
 */
export function interleave(start: number, bytes: Buffer, marks: readonly BootMark[]): StreamItem[] {
  const end = start + bytes.length;
  const due = marks.filter((m) => m.offset <= end).sort((a, b) => a.offset - b.offset);
  const items: StreamItem[] = [];
  let at = start;
  for (const mark of due) {
    if (mark.offset > at) {
      items.push({ kind: "data", bytes: bytes.subarray(at - start, mark.offset - start) });
      at = mark.offset;
    }
    items.push({ kind: "boot", mark });
  }
  if (at < end) items.push({ kind: "data", bytes: bytes.subarray(at - start) });
  return items;
}

/** A viewer's way back in: the position it has shown up to, and the last boot mark it showed. */
export interface ResumeRequest extends LogPosition {
  lastBootId: string | null;
}

export interface ReplayPlan {
  /** Where the items begin. */
  from: LogPosition;
  /** True when `from` is exactly the viewer's resume position. */
  resumed: boolean;
  /** Bytes the viewer asked for that are not there any more; null when unknown (rotated away). */
  gap?: number | null;
  /** The newest boot that began before `from` (a fresh viewer learns which boot it is looking at). */
  earlier: BootMark | null;
  items: StreamItem[];
}

/**
 * What a joining viewer is sent, given the ring and the marks already due (offsets up to the
 * ring's end, in the ring's log file, oldest first). `rotated` is the old log file when the
 * follower knows its final size (a resume into it can count what it missed).
 */
export function planReplay(
  ring: OffsetRing,
  marks: readonly BootMark[],
  resume: ResumeRequest | null,
  rotated: { inode: string; size: number } | null = null,
): ReplayPlan {
  const inode = ring.inode ?? "0";
  const here = marks.filter((m) => m.inode === inode && m.offset <= ring.end);
  if (resume !== null && resume.inode === inode && resume.offset >= ring.start && resume.offset <= ring.end) {
    const seen = here.findIndex((m) => m.id === resume.lastBootId);
    const unseen = here.filter((m, i) => m.offset > resume.offset || (m.offset === resume.offset && i > seen));
    return {
      from: { inode, offset: resume.offset },
      resumed: true,
      earlier: null,
      items: interleave(resume.offset, ring.bytesFrom(resume.offset) ?? Buffer.alloc(0), unseen),
    };
  }
  const from = ring.start;
  const plan: ReplayPlan = {
    from: { inode, offset: from },
    resumed: false,
    earlier: [...here].reverse().find((m) => m.offset < from) ?? null,
    items: interleave(
      from,
      ring.bytesFrom(from) ?? Buffer.alloc(0),
      here.filter((m) => m.offset >= from),
    ),
  };
  if (resume !== null) plan.gap = gapBytes(resume, plan.from, rotated);
  return plan;
}

/** Bytes between where a viewer was and where its stream goes on; null when not countable. */
export function gapBytes(was: LogPosition, now: LogPosition, rotated: { inode: string; size: number } | null): number | null {
  if (was.inode === now.inode) return now.offset >= was.offset ? now.offset - was.offset : null;
  if (rotated !== null && rotated.inode === was.inode && rotated.size >= was.offset) return rotated.size - was.offset + now.offset;
  return null;
}
