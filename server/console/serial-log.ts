// Reading a guest's host-side serial log (QEMU's chardev logfile: the whole history, even
// while nobody watched) in byte pages and searching it. Pure argv builders and parsers, run
// through the SSH layer by the caller. Offsets are bytes, so a page may start or end inside a
// UTF-8 sequence; the page text is decoded leniently and never used to compute offsets.
import { badInput, LabdeckError } from "../errors";

export const SERIAL_LOG_MAX_PAGE = 1024 * 1024;
export const SERIAL_LOG_DEFAULT_PAGE = 64 * 1024;
export const SERIAL_SEARCH_MAX_TERM = 200;
export const SERIAL_SEARCH_DEFAULT_LIMIT = 200;
const MAX_LINE_CHARS = 400;

export function checkLogPath(path: string): void {
  if (!path.startsWith("/") || path.includes("\0") || path.includes("\n") || path.split("/").includes("..")) {
    throw badInput("serialLog", "must be an absolute path without NUL, newline or ..");
  }
}

/** `stat` prints the size in bytes; a missing log (never started) is exit status 1. */
export function serialLogSizeArgv(path: string): string[] {
  checkLogPath(path);
  return ["stat", "-c", "%s", "--", path];
}

export function parseSerialLogSize(result: { exitStatus: number | null; stdout: string; stderr: string }): number {
  if (result.exitStatus !== 0) {
    if (/No such file/i.test(result.stderr)) return 0;
    throw new LabdeckError("INTERNAL", `stat of the serial log failed: ${result.stderr.trim()}`);
  }
  const n = Number(result.stdout.trim());
  if (!Number.isSafeInteger(n) || n < 0) throw new LabdeckError("INTERNAL", `unexpected size from stat: ${JSON.stringify(result.stdout)}`);
  return n;
}

export interface ByteWindow {
  offset: number;
  length: number;
}

/**
 * The page ending at `before` (default: the end of the log), at most `pageBytes` long: the
 * console page shows the newest page first and walks back with the returned offset.
 */
export function serialLogPageWindow(size: number, opts: { before?: number; pageBytes?: number } = {}): ByteWindow {
  const page = opts.pageBytes ?? SERIAL_LOG_DEFAULT_PAGE;
  if (!Number.isInteger(page) || page < 1 || page > SERIAL_LOG_MAX_PAGE) throw badInput("pageBytes", `must be 1..${SERIAL_LOG_MAX_PAGE}`);
  const before = opts.before ?? size;
  if (!Number.isInteger(before) || before < 0) throw badInput("before", "must be a byte offset");
  const end = Math.min(before, size);
  const offset = Math.max(0, end - page);
  return { offset, length: end - offset };
}

/** A byte window of the log; dd reads exactly it without a shell or a pipe. */
export function serialLogReadArgv(path: string, w: ByteWindow): string[] {
  checkLogPath(path);
  if (!Number.isSafeInteger(w.offset) || w.offset < 0) throw badInput("offset", "must be a byte offset");
  if (!Number.isInteger(w.length) || w.length < 0 || w.length > SERIAL_LOG_MAX_PAGE)
    throw badInput("length", `must be 0..${SERIAL_LOG_MAX_PAGE}`);
  return ["dd", `if=${path}`, "bs=65536", `skip=${w.offset}`, `count=${w.length}`, "iflag=skip_bytes,count_bytes", "status=none"];
}

export function checkSearchTerm(term: string): void {
  if (term.length === 0 || term.length > SERIAL_SEARCH_MAX_TERM || /[\0\r\n]/.test(term)) {
    throw badInput("term", `must be 1..${SERIAL_SEARCH_MAX_TERM} characters on one line`);
  }
}

/**
 * Fixed-string, case-insensitive search with line numbers and byte offsets (so a hit can be
 * opened as a page). `-a`: a serial log holds control bytes and grep would otherwise answer
 * only "binary file matches".
 */
export function serialLogSearchArgv(path: string, term: string, limit = SERIAL_SEARCH_DEFAULT_LIMIT): string[] {
  checkLogPath(path);
  checkSearchTerm(term);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw badInput("limit", "must be 1..10000");
  return ["grep", "-n", "-b", "-a", "-F", "-i", "-m", String(limit), "-e", term, "--", path];
}

export interface SerialLogHit {
  line: number;
  /** Byte offset of the line's start in the log. */
  offset: number;
  text: string;
}

// CSI, OSC (BEL or ST terminated) and other two-byte escapes; a hit list is plain text.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f]/g;

export function plainText(s: string): string {
  return s.replace(ESCAPES, "").replace(CONTROLS, "");
}

/** grep: status 0 hits, 1 none, anything else an error (a missing log is "no hits"). */
export function parseSerialLogSearch(result: { exitStatus: number | null; stdout: string; stderr: string }): SerialLogHit[] {
  if (result.exitStatus === 1) return [];
  if (result.exitStatus !== 0) {
    if (/No such file/i.test(result.stderr)) return [];
    throw new LabdeckError("INTERNAL", `search of the serial log failed: ${result.stderr.trim()}`);
  }
  const hits: SerialLogHit[] = [];
  for (const raw of result.stdout.split("\n")) {
    const m = /^(\d+):(\d+):(.*)$/s.exec(raw);
    if (m === null) continue;
    const text = plainText(m[3] ?? "");
    hits.push({
      line: Number(m[1]),
      offset: Number(m[2]),
      text: text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}…` : text,
    });
  }
  return hits;
}
