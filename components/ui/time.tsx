"use client";

import { useServerNow } from "./server-clock";

const RTF = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const STEPS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 30],
  ["month", 12],
  ["year", Number.POSITIVE_INFINITY],
];

/**
 * "3 minutes ago". Every date shown this way is of something that has happened, so one a
 * little ahead of `now` (clocks a second apart) reads "now", never "in 2 seconds".
 */
export function relativeTime(date: Date, now: number): string {
  let value = Math.min(0, (date.getTime() - now) / 1000);
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) return RTF.format(Math.round(value), unit);
    value /= size;
  }
  return date.toLocaleString();
}

export function formatTime(date: Date): string {
  return date.toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** "3 minutes ago" by the server's clock, with the exact time on hover; re-renders as time passes. */
export function RelativeTime({ date, withAbsolute = false }: { date: Date; withAbsolute?: boolean }) {
  const now = useServerNow(10_000);
  return (
    <time dateTime={date.toISOString()} title={formatTime(date)} className="whitespace-nowrap">
      {withAbsolute ? `${formatTime(date)} (${relativeTime(date, now)})` : relativeTime(date, now)}
    </time>
  );
}
