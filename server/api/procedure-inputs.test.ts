import { expect, it } from "vitest";
import { useTempDataDir } from "../test-support/temp-data";

// Every string and array in every procedure's input has an upper bound, so no request makes
// a schema (or the code behind it) look at more than it must. A pattern counts as a bound
// only when it is anchored and has no open-ended quantifier (*, +, {n,}) outside a class.
// Values typed `unknown` (a definition checked later by its service) are bounded by the
// HTTP body cap (MAX_BODY_BYTES) only.

type Z = { _zod: { def: Record<string, unknown> & { type: string } } };
type CheckDef = { check: string; format?: string; pattern?: RegExp };

function boundedPattern(re: RegExp): boolean {
  const bare = re.source.replace(/\\./g, "").replace(/\[[^\]]*\]/g, "");
  return re.source.startsWith("^") && re.source.endsWith("$") && !/[*+]|\{\d+,\}/.test(bare);
}

function hasBound(d: Z["_zod"]["def"]): boolean {
  const checks = ((d.checks ?? []) as Array<{ _zod: { def: CheckDef } }>).map((c) => c._zod.def);
  return checks.some(
    (c) =>
      c.check === "max_length" ||
      c.check === "length_equals" ||
      (c.check === "string_format" && c.format === "regex" && c.pattern !== undefined && boundedPattern(c.pattern)),
  );
}

function walk(s: Z, path: string, out: string[], seen: Set<unknown>): void {
  if (seen.has(s)) return;
  seen.add(s);
  const d = s._zod.def;
  switch (d.type) {
    case "string":
      if (!hasBound(d)) out.push(`${path}: string`);
      break;
    case "array":
      if (!hasBound(d)) out.push(`${path}: array`);
      walk(d.element as Z, `${path}[]`, out, seen);
      break;
    case "record":
      walk(d.keyType as Z, `${path}{key}`, out, seen);
      walk(d.valueType as Z, `${path}{}`, out, seen);
      break;
    case "object":
      for (const [k, v] of Object.entries(d.shape as Record<string, Z>)) walk(v, `${path}.${k}`, out, seen);
      break;
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      walk(d.innerType as Z, path, out, seen);
      break;
    case "pipe":
      walk(d.in as Z, path, out, seen);
      break;
    case "union":
      (d.options as Z[]).forEach((o, i) => walk(o, `${path}|${i}`, out, seen));
      break;
    case "lazy":
      walk((d.getter as () => Z)(), path, out, seen);
      break;
    default:
      break;
  }
}

it("bounds every string and array in every procedure input", async () => {
  await useTempDataDir();
  const { appRouter } = await import("./root");
  const out: string[] = [];
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { inputs: Z[] } }>;
  expect(Object.keys(procedures).length).toBeGreaterThan(30);
  for (const [name, p] of Object.entries(procedures)) for (const input of p._def.inputs) walk(input, name, out, new Set());
  expect([...new Set(out)]).toEqual([]);
}, 120_000);
