import { keyValueLines } from "./parse-util";

// /proc/meminfo -> bytes. The kernel prints kB (meaning KiB); MemAvailable exists since
// Linux 3.14, so older hosts report available memory as unknown rather than guessed.

export interface MemInfo {
  totalBytes: number | null;
  availableBytes: number | null;
}

function kib(value: string | undefined): number | null {
  const m = value ? /^(\d+)\s*kB$/.exec(value) : null;
  return m?.[1] ? Number(m[1]) * 1024 : null;
}

export function parseMeminfo(text: string): MemInfo {
  const kv = keyValueLines(text);
  return { totalBytes: kib(kv.get("MemTotal")), availableBytes: kib(kv.get("MemAvailable")) };
}
