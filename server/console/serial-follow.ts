// The follower of a guest's serial log: one long exec per watched guest that prints a header
// line and then every byte QEMU appends to the log, from a byte offset it states. Pure argv
// builder and header parser; console-follower.ts runs it.
//
// What must not break: the header is the FIRST line of stdout and is printed by the fixed
// script before tail runs, so nothing a guest writes can come before it or be taken for it;
// after the header nothing is parsed. The path and the numbers reach the host only as
// positional arguments, never as part of the script's text.
import { badInput } from "../errors";
import { checkLogPath } from "./serial-log";

/** A byte position in one log file: the file's inode (as digits) and an offset into it. */
export interface LogPosition {
  inode: string;
  offset: number;
}

export interface FollowRequest {
  /** A fresh start takes the last `backBytes` of the log. */
  backBytes: number;
  /** Resume exactly here when the log is still this inode and the offset is not too far back. */
  resume?: LogPosition | null;
  /** A resume further back than this starts fresh instead (the gap is reported). */
  maxResumeBytes: number;
}

// Waits for a log that does not exist yet (a guest never started: the start plan creates it
// before QEMU runs), and says so first with the line `labdeck-follow-wait`, so the page can
// say "not running" instead of "connecting" for as long as the guest stays unstarted. `tail -f` follows the file by descriptor (GNU tail: inotify), so a
// rotation (mv to .1) never switches files under it; the hub restarts it on the new log.
// The 5th field is the size of `<log>.1` when that is the file being resumed (it was rotated
// away), so a gap can be counted in bytes.
const SCRIPT = [
  "p=$1; back=$2; want_ino=$3; want_off=$4; max_resume=$5",
  'if [ ! -f "$p" ]; then echo labdeck-follow-wait; while [ ! -f "$p" ]; do sleep 0.2; done; fi',
  'st=$(stat -c "%i %s" -- "$p") || exit 1',
  "ino=${st% *}; size=${st#* }",
  'if [ "$size" -gt "$back" ]; then start=$((size - back)); else start=0; fi',
  "prev=-",
  'if [ "$ino" = "$want_ino" ]; then',
  '  if [ "$want_off" -le "$size" ] && [ $((size - want_off)) -le "$max_resume" ]; then start=$want_off; fi',
  'elif [ "$want_ino" != - ]; then',
  '  old=$(stat -c "%i %s" -- "$p.1" 2>/dev/null) && [ "${old% *}" = "$want_ino" ] && prev=${old#* }',
  "fi",
  'printf "labdeck-follow %s %s %s %s\\n" "$ino" "$start" "$size" "$prev"',
  'exec tail -c +$((start + 1)) -f -- "$p"',
].join("\n");

const INODE = /^\d{1,20}$/;

function checkCount(field: string, n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw badInput(field, "must be a byte count");
  return String(n);
}

export function serialFollowArgv(path: string, req: FollowRequest): string[] {
  checkLogPath(path);
  const resume = req.resume ?? null;
  if (resume !== null && !INODE.test(resume.inode)) throw badInput("resume.inode", "must be digits");
  return [
    "sh",
    "-c",
    SCRIPT,
    "sh",
    path,
    checkCount("backBytes", req.backBytes),
    resume === null ? "-" : resume.inode,
    resume === null ? "0" : checkCount("resume.offset", resume.offset),
    checkCount("maxResumeBytes", req.maxResumeBytes),
  ];
}

export interface FollowHeader {
  inode: string;
  /** Offset in the log of the first byte after the header. */
  start: number;
  /** The log's size when the follower looked: output up to here was already there. */
  size: number;
  /** Size of the rotated log `<log>.1` when it is the inode asked to resume; else null. */
  rotatedSize: number | null;
}

/** Longest header the script can print (four numbers and the tag), with room to spare. */
export const FOLLOW_HEADER_MAX = 128;
const HEADER = /^labdeck-follow (\d{1,20}) (\d{1,16}) (\d{1,16}) (\d{1,16}|-)$/;

export function parseFollowHeader(line: string): FollowHeader | null {
  const m = HEADER.exec(line);
  if (m === null) return null;
  const start = Number(m[2]);
  const size = Number(m[3]);
  const rotated = m[4] === "-" ? null : Number(m[4]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(size) || (rotated !== null && !Number.isSafeInteger(rotated))) return null;
  return { inode: m[1] as string, start, size, rotatedSize: rotated };
}

/**
 * Splits the follower's stdout into the header and the log bytes after it. The header must
 * end within FOLLOW_HEADER_MAX bytes; anything else is a broken follower, not output.
 */
const WAIT_LINE = "labdeck-follow-wait";

export class FollowStreamSplitter {
  private head: Buffer | null = Buffer.alloc(0);
  private broken = false;
  private waitSeen = false;

  constructor(
    private readonly onHeader: (h: FollowHeader) => void,
    private readonly onBytes: (chunk: Buffer) => void,
    private readonly onBroken: (why: string) => void,
    /** The log does not exist yet; the header follows once it does. Only before the header, at most once. */
    private readonly onWaiting: () => void = () => undefined,
  ) {}

  push(chunk: Buffer): void {
    if (this.broken) return;
    if (this.head === null) {
      if (chunk.length > 0) this.onBytes(chunk);
      return;
    }
    const buf = Buffer.concat([this.head, chunk]);
    const nl = buf.indexOf(0x0a);
    if (nl < 0) {
      if (buf.length > FOLLOW_HEADER_MAX) {
        this.broken = true;
        this.onBroken("no header line from the follower");
      } else this.head = buf;
      return;
    }
    const line = buf.subarray(0, nl).toString("latin1");
    if (!this.waitSeen && line === WAIT_LINE) {
      this.waitSeen = true;
      this.head = Buffer.alloc(0);
      this.onWaiting();
      const rest = buf.subarray(nl + 1);
      if (rest.length > 0) this.push(rest);
      return;
    }
    this.head = null;
    const header = nl <= FOLLOW_HEADER_MAX ? parseFollowHeader(line) : null;
    if (header === null) {
      this.broken = true;
      this.onBroken("unreadable header line from the follower");
      return;
    }
    this.onHeader(header);
    const rest = buf.subarray(nl + 1);
    if (rest.length > 0) this.onBytes(rest);
  }
}
