// The two syntaxes a pasted QEMU command line uses: POSIX shell words (quotes, backslashes,
// line continuations; never evaluated: "$(x)" stays literal text) and QEMU's own
// "key=value,key=value" option values, where ",," stands for a literal comma.

/** Splits shell text into words the way sh would, without expanding anything. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i] as string;
    if (c === "\\") {
      const next = text[i + 1];
      if (next === "\n") i += 2;
      else if (next === "\r" && text[i + 2] === "\n") i += 3;
      else {
        if (next !== undefined) cur += next;
        inWord = true;
        i += 2;
      }
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error("unterminated single quote");
      cur += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= n) throw new Error("unterminated double quote");
        const d = text[i] as string;
        if (d === '"') break;
        if (d === "\\" && i + 1 < n && '"\\$`\n'.includes(text[i + 1] as string)) {
          if (text[i + 1] !== "\n") cur += text[i + 1];
          i += 2;
        } else {
          cur += d;
          i++;
        }
      }
      inWord = true;
      i++;
    } else if (c === "#" && !inWord) {
      while (i < n && text[i] !== "\n") i++;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
      i++;
    } else {
      cur += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

export interface QemuOpts {
  /** The leading value without "=" (e.g. "user" in "user,id=n0"), if any. */
  implied: string | null;
  pairs: [string, string][];
}

/** Parses "user,id=n0,hostfwd=a,hostfwd=b" keeping order and repeated keys; ",," is a comma. */
export function parseQemuOpts(value: string): QemuOpts {
  const parts: string[] = [];
  let cur = "";
  for (let i = 0; i < value.length; i++) {
    if (value[i] === ",") {
      if (value[i + 1] === ",") {
        cur += ",";
        i++;
      } else {
        parts.push(cur);
        cur = "";
      }
    } else cur += value[i];
  }
  parts.push(cur);
  let implied: string | null = null;
  const pairs: [string, string][] = [];
  parts.forEach((p, idx) => {
    const eq = p.indexOf("=");
    if (eq < 0) {
      if (idx === 0) implied = p;
      else if (p !== "") pairs.push([p, "on"]);
    } else pairs.push([p.slice(0, eq), p.slice(eq + 1)]);
  });
  return { implied, pairs };
}

export const optGet = (o: QemuOpts, key: string): string | undefined => o.pairs.find(([k]) => k === key)?.[1];
