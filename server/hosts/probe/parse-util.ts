// Small text helpers shared by the probe parsers. They must never throw on odd input: a
// host that prints something unexpected is reported as "unknown", not a failed probe.

/** `key<sep>value` lines (cpuinfo "a\t: b", meminfo "A: b", xl info "a : b"), first key wins. */
export function keyValueLines(text: string, sep = ":"): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const at = line.indexOf(sep);
    if (at <= 0) continue;
    const key = line.slice(0, at).trim();
    if (key && !out.has(key)) out.set(key, line.slice(at + sep.length).trim());
  }
  return out;
}

export function nonEmptyLines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

export function firstMatch(text: string, re: RegExp): string | null {
  return re.exec(text)?.[1] ?? null;
}
