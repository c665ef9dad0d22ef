// os-release(5) -> PRETTY_NAME. Values are shell-style assignments, optionally quoted; only
// the quoting os-release allows is undone (no expansion: this is data, not a script).

export function parseOsRelease(text: string): string | null {
  const fields = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m?.[1] || m[2] === undefined) continue;
    fields.set(m[1], unquote(m[2]));
  }
  return fields.get("PRETTY_NAME") || fields.get("NAME") || null;
}

function unquote(raw: string): string {
  const q = raw[0];
  if ((q === '"' || q === "'") && raw.endsWith(q) && raw.length >= 2) {
    const inner = raw.slice(1, -1);
    return q === '"' ? inner.replace(/\\([$"\\`])/g, "$1") : inner;
  }
  return raw;
}
