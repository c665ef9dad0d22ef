// Which Debian mirror the lab VM is bootstrapped from: the one this machine's apt already
// uses, read at build time. The address is never written into the repo (machines sit
// behind different mirrors and proxies), and only a plain http(s) URI of a "deb" entry
// for the wanted suite with the main component is taken, so a deb-src line, a disabled
// file or a third-party repository can never become the source of the root filesystem.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { trimTrailing } from "../../server/names";

export interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  enabled: boolean;
}

const URI = /^https?:\/\/[A-Za-z0-9.:@_~%/+-]+$/;

/** One-line format: `deb [options] URI SUITE COMPONENT...`; comments and blanks skipped. */
export function parseSourcesList(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") continue;
    // By index: /\[[^\]]*\]\s*/ rescans the rest of the line from every "[" when no "]" follows.
    const open = line.indexOf("[");
    const close = open < 0 ? -1 : line.indexOf("]", open);
    const withoutOptions = close < 0 ? line : line.slice(0, open) + line.slice(close + 1).trimStart();
    const [type, uri, suite, ...components] = withoutOptions.split(/\s+/);
    if (type === undefined || uri === undefined || suite === undefined) continue;
    out.push({ types: [type], uris: [uri], suites: [suite], components, enabled: true });
  }
  return out;
}

/** deb822 format (`*.sources`): stanzas separated by blank lines, `Key: value` fields. */
export function parseDeb822Sources(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last: string | null = null;
    for (const line of stanza.split("\n")) {
      if (line.startsWith("#")) continue;
      // A line starting with a space continues the previous field (Signed-By keys do this).
      if (/^\s/.test(line) && last !== null) {
        fields.set(last, `${fields.get(last) ?? ""} ${line.trim()}`);
        continue;
      }
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m?.[1] === undefined) continue;
      last = m[1].toLowerCase();
      fields.set(last, m[2] ?? "");
    }
    const list = (key: string) => (fields.get(key) ?? "").split(/\s+/).filter((s) => s !== "");
    if (!fields.has("uris")) continue;
    out.push({
      types: list("types"),
      uris: list("uris"),
      suites: list("suites"),
      components: list("components"),
      enabled: (fields.get("enabled") ?? "yes").trim().toLowerCase() !== "no",
    });
  }
  return out;
}

/** The first mirror serving binary packages of `suite` main, or null. */
export function pickMirror(sources: readonly AptSource[], suite: string): string | null {
  for (const s of sources) {
    if (!s.enabled || !s.types.includes("deb") || !s.suites.includes(suite) || !s.components.includes("main")) continue;
    const uri = s.uris.find((u) => URI.test(u));
    if (uri !== undefined) return trimTrailing(uri, "/");
  }
  return null;
}

/** Reads /etc/apt/sources.list and sources.list.d/*.list|*.sources of this machine. */
export async function machineMirror(suite: string, aptDir = "/etc/apt"): Promise<string> {
  const sources: AptSource[] = [];
  const main = await readFile(path.join(aptDir, "sources.list"), "utf8").catch(() => "");
  sources.push(...parseSourcesList(main));
  const dir = path.join(aptDir, "sources.list.d");
  // apt itself reads only these two suffixes; "x.sources.disabled" must stay ignored.
  for (const name of (await readdir(dir).catch(() => [] as string[])).sort()) {
    if (name.endsWith(".list")) sources.push(...parseSourcesList(await readFile(path.join(dir, name), "utf8")));
    else if (name.endsWith(".sources")) sources.push(...parseDeb822Sources(await readFile(path.join(dir, name), "utf8")));
  }
  const mirror = pickMirror(sources, suite);
  if (mirror === null) {
    throw new Error(`no apt source on this machine serves "deb ... ${suite} main" over http(s); add one to ${aptDir}`);
  }
  return mirror;
}
