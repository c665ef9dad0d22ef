// Whether a persistence file on the host still says what Labdeck would write now. Nothing
// rewrites the files after a change by itself, so the Persistence tab shows, per file,
// "current", "missing" or "stale" with the lines that differ: what a reboot would lose
// (lines only in the new rendering) and what it would bring back that is gone now.

export type PersistFileState =
  { state: "current" } | { state: "missing" } | { state: "stale"; onlyRendered: string[]; onlyOnHost: string[] };

/** Lines are compared as multisets, comments left out: order is ifupdown's, but a moved line is not news. */
export function persistFileState(onHost: string | null, rendered: string): PersistFileState {
  if (onHost === null) return { state: "missing" };
  if (onHost === rendered) return { state: "current" };
  const lines = (t: string) =>
    t
      .split("\n")
      .map((l) => l.trimEnd())
      .filter((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));
  const count = new Map<string, number>();
  for (const l of lines(onHost)) count.set(l, (count.get(l) ?? 0) + 1);
  const onlyRendered: string[] = [];
  for (const l of lines(rendered)) {
    const n = count.get(l) ?? 0;
    if (n > 0) count.set(l, n - 1);
    else onlyRendered.push(l);
  }
  const onlyOnHost = [...count.entries()].flatMap(([l, n]) => Array.from({ length: n }, () => l));
  // Only comments or blank lines differ (an older header): nothing a reboot would change.
  if (onlyRendered.length === 0 && onlyOnHost.length === 0) return { state: "current" };
  return { state: "stale", onlyRendered, onlyOnHost };
}
