import { z } from "zod";
import { parseIpJson } from "../json-output";

// `ip -j route show table all` -> routes. ip omits "table" for main and prints names for
// tables it knows from rt_tables and numbers otherwise, so the table is kept both as
// printed and, where known, as an id: drift compares ids, never names, because a host
// whose rt_tables lacks a name prints the number.

export const ZRoute = z.object({
  table: z.string(),
  tableId: z.number().int().nullable(),
  /** "default", a CIDR, or a host address exactly as ip prints it. */
  dst: z.string(),
  family: z.enum(["inet", "inet6"]),
  type: z.string(),
  gateway: z.string().nullable(),
  dev: z.string().nullable(),
  protocol: z.string().nullable(),
  scope: z.string().nullable(),
  metric: z.number().int().nullable(),
  prefsrc: z.string().nullable(),
  flags: z.array(z.string()),
});
export type TRoute = z.infer<typeof ZRoute>;

const ZRaw = z.array(
  z.object({
    type: z.string().optional(),
    dst: z.string(),
    gateway: z.string().optional(),
    dev: z.string().optional(),
    table: z.string().optional(),
    protocol: z.string().optional(),
    scope: z.string().optional(),
    metric: z.number().optional(),
    prefsrc: z.string().optional(),
    flags: z.array(z.string()).default([]),
  }),
);

/** Names iproute2 knows without any rt_tables file. */
export const BUILTIN_TABLES: Readonly<Record<string, number>> = { local: 255, main: 254, default: 253, unspec: 0 };

export function tableIdOf(table: string, names: ReadonlyMap<string, number>): number | null {
  if (/^\d+$/.test(table)) return Number(table);
  return names.get(table) ?? BUILTIN_TABLES[table] ?? null;
}

/**
 * The label a table is shown and compared by: its name when one is known. ip prints a
 * number for a table named only in a file it does not read (a test host's names live
 * under its persistence root), so the label is normalised here, the same on every host.
 */
export function tableLabelOf(table: string, names: ReadonlyMap<string, number>): string {
  if (!/^\d+$/.test(table)) return table;
  const id = Number(table);
  for (const [name, n] of names) if (n === id) return name;
  return table;
}

function familyOf(dst: string, gateway: string | undefined): "inet" | "inet6" {
  // "default" has no address to look at; the gateway (or its absence) decides, and an
  // IPv6 default route without a gateway is rare enough to default to inet.
  const probe = dst === "default" ? (gateway ?? "") : dst;
  return probe.includes(":") ? "inet6" : "inet";
}

export function parseRoutes(stdout: string, tableNames: ReadonlyMap<string, number> = new Map()): TRoute[] {
  return ZRaw.parse(parseIpJson("ip route", stdout)).map((r) => {
    const table = tableLabelOf(r.table ?? "main", tableNames);
    return {
      table,
      tableId: tableIdOf(table, tableNames),
      dst: r.dst,
      family: familyOf(r.dst, r.gateway),
      type: r.type ?? "unicast",
      gateway: r.gateway ?? null,
      dev: r.dev ?? null,
      protocol: r.protocol ?? null,
      scope: r.scope ?? null,
      metric: r.metric ?? null,
      prefsrc: r.prefsrc ?? null,
      flags: r.flags,
    };
  });
}
