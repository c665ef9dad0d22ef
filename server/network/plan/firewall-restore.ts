import type { TPlanStep } from "../../jobs/plan";
import type { TIptables, TIptablesTable } from "../parse-iptables-save";
import { emptyTable, tableSignature } from "./firewall-model";

// The firewall half of a plan: the changed tables written whole as one iptables-restore
// input, tested, then applied. iptables-restore flushes only the tables present in its
// input, so untouched tables keep their live rules; inside a touched table every chain
// and rule is written back exactly as read (counters as [packets:bytes]), so what the
// user did not edit comes back byte for byte. The live tables are saved first: that
// snapshot is the undo, and the rollback timer's restore when the change cuts Labdeck's
// session. A host whose rules changed between the read and the apply loses that change:
// the caller plans against a fresh read for this reason.

export type IptablesFamily = "iptables" | "iptables-legacy" | "iptables-nft";

/**
 * Constant scripts, one per family: the path is $1 and the tables follow, never spliced in.
 * Saved table by table with -t: a plain iptables-save prints nothing for a table the host
 * never loaded (a fresh namespace on nft), and restoring that empty snapshot would leave
 * the new rules in place; `-t TABLE` prints the empty table with its built-in chains.
 */
const SAVE_SCRIPT: Record<IptablesFamily, string> = {
  iptables: 'f="$1"; shift; : > "$f" || exit 1; for t; do iptables-save -c -t "$t" >> "$f" || exit 1; done',
  "iptables-legacy": 'f="$1"; shift; : > "$f" || exit 1; for t; do iptables-legacy-save -c -t "$t" >> "$f" || exit 1; done',
  "iptables-nft": 'f="$1"; shift; : > "$f" || exit 1; for t; do iptables-nft-save -c -t "$t" >> "$f" || exit 1; done',
};

const TABLE_NAME = /^(filter|nat|mangle|raw|security)$/;

function counters(p: number | null, b: number | null): string {
  return `[${p ?? 0}:${b ?? 0}]`;
}

export function renderRestore(tables: readonly TIptablesTable[]): string {
  const lines: string[] = [];
  for (const t of tables) {
    lines.push(`*${t.name}`);
    for (const c of t.chains) lines.push(`:${c.name} ${c.policy ?? "-"} ${counters(c.packets, c.bytes)}`);
    for (const c of t.chains) {
      for (const r of c.rules) lines.push(r.packets !== null && r.bytes !== null ? `${counters(r.packets, r.bytes)} ${r.text}` : r.text);
    }
    lines.push("COMMIT");
  }
  return `${lines.join("\n")}\n`;
}

/** Tables whose policies or rules differ from the host's; a table the host lacked counts as empty. */
export function touchedTables(before: TIptables | null, after: TIptables | null): TIptablesTable[] {
  if (!after) return [];
  return after.tables.filter((t) => {
    const was = before?.tables.find((b) => b.name === t.name) ?? emptyTable(t.name);
    return tableSignature(was) !== tableSignature(t);
  });
}

export function firewallSteps(workDir: string, family: IptablesFamily, restoreText: string, tables: readonly string[]): TPlanStep[] {
  const names = tables.filter((t) => TABLE_NAME.test(t));
  const before = `${workDir}/iptables.before`;
  const rules = `${workDir}/iptables.rules`;
  const restore = `${family}-restore`;
  return [
    { argv: ["mkdir", "-p", "--", workDir], purpose: "make the change's working directory on the host" },
    {
      argv: ["sh", "-c", SAVE_SCRIPT[family], "sh", before, ...names],
      purpose: `save the live ${names.join(", ")} table(s) (with counters) for rollback`,
    },
    { argv: ["sh", "-c", 'cat > "$1"', "sh", rules], purpose: "write the new rule set", stdin: restoreText },
    // On the nft backend --test only parses; the checks it skips are made by the plan
    // builder (rule-spec.ts), and the apply below is atomic per table set anyway.
    { argv: [restore, "--test", rules], purpose: "check the new rule set without applying it" },
    {
      argv: [restore, "-c", rules],
      purpose: "apply the new rule set (replaces the changed tables at once)",
      undo: [restore, "-c", before],
    },
  ];
}
