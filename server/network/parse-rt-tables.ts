// rt_tables -> name/id map. Debian 13's iproute2 ships its defaults in
// /usr/share/iproute2/rt_tables and leaves /etc/iproute2/rt_tables to local additions
// (possibly absent), so both files are parsed and merged with /etc winning: a name defined
// locally must never be shadowed by the shipped file.

export interface RtTableEntry {
  id: number;
  name: string;
}

export function parseRtTables(text: string): RtTableEntry[] {
  const out: RtTableEntry[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") continue;
    const m = /^(0x[0-9a-fA-F]+|\d+)\s+(\S+)$/.exec(line);
    if (!m || m[1] === undefined || m[2] === undefined) continue;
    const id = Number(m[1]);
    if (!Number.isSafeInteger(id) || id < 0 || id > 0xffffffff) continue;
    out.push({ id, name: m[2] });
  }
  return out;
}

/** Earlier sources win; pass /etc first. Absent files are null. */
export function mergeRtTables(...sources: (string | null)[]): Map<string, number> {
  const names = new Map<string, number>();
  for (const text of sources) {
    if (text === null) continue;
    for (const e of parseRtTables(text)) if (!names.has(e.name)) names.set(e.name, e.id);
  }
  return names;
}
