import { badInput } from "../../errors";
import { unsafeCharIn } from "../../../lib/safe-text";
import { renderRule } from "../iptables-rule";
import type { TIptables } from "../parse-iptables-save";

// /etc/iptables/rules.v4: what netfilter-persistent (package iptables-persistent) feeds to
// iptables-restore at boot. Same text as iptables-save without counters, so the file
// restores exactly the rule order the host had: order inside a chain is meaning. Only
// filter, nat and mangle are Labdeck's; iptables-restore leaves tables the file does not
// name untouched, so leaving raw/security out cannot flush them.

const TABLES = ["filter", "nat", "mangle"] as const;

export function renderRulesV4(ipt: TIptables): string {
  const out = [
    "# Written by Labdeck from the host's iptables when the Persistence tab's files are written; restored at boot by netfilter-persistent.",
  ];
  const others = ipt.tables.map((t) => t.name).filter((n) => !(TABLES as readonly string[]).includes(n));
  if (others.length > 0) out.push(`# Not persisted by Labdeck: table(s) ${others.join(", ")}.`);
  for (const name of TABLES) {
    const table = ipt.tables.find((t) => t.name === name);
    if (!table) continue;
    out.push(`*${name}`);
    for (const c of table.chains) out.push(`:${c.name} ${c.policy ?? "-"} [0:0]`);
    for (const c of table.chains) {
      c.rules.forEach((r, i) => {
        const line = renderRule(r, { counters: false });
        // Set behind Labdeck's back (`--comment $'a\rb'`): leaving the rule out would change
        // the firewall at the next boot, writing it would hide a line, so the file is refused.
        const found = unsafeCharIn(line);
        if (found !== null)
          throw badInput(
            "rulesV4",
            `rule ${i + 1} of ${name}/${c.name} on the host holds ${found}; fix or delete it on the host (iptables -D) before writing persistence`,
          );
        out.push(line);
      });
    }
    out.push("COMMIT");
  }
  return out.join("\n") + "\n";
}
