import { firstMatch } from "./parse-util";

// `iptables -V` -> version and backend. iptables 1.8+ names its backend in parentheses,
// "(legacy)" or "(nf_tables)"; releases before 1.8 had only the legacy backend and print
// no suffix. The backend matters: rules written through one are invisible to the other,
// and some kernels (UML) lack NFT_NAT so only legacy NAT works.

export interface IptablesVersion {
  version: string;
  backend: "legacy" | "nf_tables";
}

export function parseIptablesVersion(text: string): IptablesVersion | null {
  const version = firstMatch(text, /iptables v(\d[^\s]*)/);
  if (!version) return null;
  const backend = firstMatch(text, /iptables v\S+ \((legacy|nf_tables)\)/);
  return { version, backend: backend === "nf_tables" ? "nf_tables" : "legacy" };
}
