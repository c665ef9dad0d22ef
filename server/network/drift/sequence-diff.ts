// An edit script between two sequences of strings (iptables rule texts of one chain),
// from their longest common subsequence: a rule inserted at the top of a chain comes out
// as one "added" entry, not as every following rule "changed" because its position
// moved. Common head and tail are matched first, so the quadratic table only covers
// the part that differs (usually a few rules even in long chains).

export type SequenceEdit = { op: "keep"; a: number; b: number } | { op: "removed"; a: number } | { op: "added"; b: number };

/** Beyond this many table cells the middle is reported as replaced wholesale (still correct, not minimal). */
const MAX_CELLS = 4_000_000;

export function diffSequences(a: readonly string[], b: readonly string[]): SequenceEdit[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const edits: SequenceEdit[] = [];
  for (let i = 0; i < head; i++) edits.push({ op: "keep", a: i, b: i });
  edits.push(...middle(a, b, head, a.length - tail, head, b.length - tail));
  for (let k = tail; k > 0; k--) edits.push({ op: "keep", a: a.length - k, b: b.length - k });
  return edits;
}

function middle(a: readonly string[], b: readonly string[], a0: number, a1: number, b0: number, b1: number): SequenceEdit[] {
  const n = a1 - a0;
  const m = b1 - b0;
  const out: SequenceEdit[] = [];
  if ((n + 1) * (m + 1) > MAX_CELLS) {
    for (let i = a0; i < a1; i++) out.push({ op: "removed", a: i });
    for (let j = b0; j < b1; j++) out.push({ op: "added", b: j });
    return out;
  }
  // lcs[i][j] = LCS length of a[a0+i..a1) and b[b0+j..b1), filled from the end so the
  // walk below goes forward and emits edits in order.
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] =
        a[a0 + i] === b[b0 + j]
          ? (lcs[(i + 1) * w + j + 1] as number) + 1
          : Math.max(lcs[(i + 1) * w + j] as number, lcs[i * w + j + 1] as number);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[a0 + i] === b[b0 + j]) {
      out.push({ op: "keep", a: a0 + i, b: b0 + j });
      i++;
      j++;
    } else if ((lcs[(i + 1) * w + j] as number) >= (lcs[i * w + j + 1] as number)) {
      out.push({ op: "removed", a: a0 + i });
      i++;
    } else {
      out.push({ op: "added", b: b0 + j });
      j++;
    }
  }
  for (; i < n; i++) out.push({ op: "removed", a: a0 + i });
  for (; j < m; j++) out.push({ op: "added", b: b0 + j });
  return out;
}
