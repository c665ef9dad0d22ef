import { z } from "zod";
import { parseIpJson } from "../json-output";
import { tableIdOf, tableLabelOf } from "./parse-routes";

// `ip -j rule show` -> policy routing rules. ip prints selectors split ("dst" and
// "dstlen") and a host address without a length; they are joined back into one CIDR here
// so a rule reads the way `ip rule add from X/len` was written. "not" is printed as a
// key with a null value: its presence, not its value, means the selector is inverted.

export const ZRoutingRule = z.object({
  priority: z.number().int(),
  not: z.boolean(),
  /** "all" or an address/CIDR. */
  from: z.string(),
  to: z.string().nullable(),
  iif: z.string().nullable(),
  oif: z.string().nullable(),
  /** "0x2" or "0x2/0xff" as ip prints it. */
  fwmark: z.string().nullable(),
  table: z.string().nullable(),
  tableId: z.number().int().nullable(),
  /** "lookup" for a table rule, otherwise the action (prohibit, blackhole, unreachable, goto, nop). */
  action: z.string(),
});
export type TRoutingRule = z.infer<typeof ZRoutingRule>;

const ZRaw = z.array(
  z.looseObject({
    priority: z.number(),
    src: z.string().default("all"),
    srclen: z.number().optional(),
    dst: z.string().optional(),
    dstlen: z.number().optional(),
    iif: z.string().optional(),
    oif: z.string().optional(),
    fwmark: z.string().optional(),
    fwmask: z.string().optional(),
    table: z.string().optional(),
    action: z.string().optional(),
  }),
);

function cidr(addr: string, len: number | undefined): string {
  return len === undefined ? addr : `${addr}/${len}`;
}

export function parseRules(stdout: string, tableNames: ReadonlyMap<string, number> = new Map()): TRoutingRule[] {
  return ZRaw.parse(parseIpJson("ip rule", stdout)).map((r) => ({
    priority: r.priority,
    not: Object.prototype.hasOwnProperty.call(r, "not"),
    from: r.src === "all" ? "all" : cidr(r.src, r.srclen),
    to: r.dst === undefined ? null : cidr(r.dst, r.dstlen),
    iif: r.iif ?? null,
    oif: r.oif ?? null,
    fwmark: r.fwmark === undefined ? null : r.fwmask === undefined ? r.fwmark : `${r.fwmark}/${r.fwmask}`,
    table: r.table === undefined ? null : tableLabelOf(r.table, tableNames),
    tableId: r.table === undefined ? null : tableIdOf(r.table, tableNames),
    action: r.action ?? (r.table === undefined ? "unknown" : "lookup"),
  }));
}
