import path from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_CHECKED_LENGTH } from "./names";
import { familiesFor, runOnce, scanSources, type FoundPattern, type InputFamily } from "./test-support/regex-scan";

// No input may stall the server: every pattern written in server/, lib/, components/, app/ and
// scripts/ must run in time linear in its input. A backtracking matcher that tries
// exponentially (or quadratically) many ways blocks the one Node process, and with it every
// console, job and pending rollback. Inputs come from users and from hosts (process command
// lines, iptables-save, ip -j, serial logs), so each pattern is run on adversarial input far
// longer than anything it should see, under a time budget. This is the one test with
// timing budgets; they are generous (a linear pattern takes microseconds on these inputs).

const ROOT = path.resolve(import.meta.dirname, "..");
const scan = scanSources(ROOT);

/** One run of one pattern on one input: exponential or quadratic ones take seconds. */
const BUDGET_MS = 50;
/** Every pattern on every input, in all. */
const TOTAL_BUDGET_MS = 60_000;
// Growing sizes: an exponential pattern crosses the budget at a few dozen characters, long
// before it would take minutes, and a quadratic one within the first few thousand.
const SIZES = [8, 12, 16, 20, 24, 28, 32, 48, 64, 128, 256, 1024, 4096, 16_384, 32_768];

/**
 * Every exported pattern, with the longest value that reaches it (its own limit; the
 * length gate of assertMatches is MAX_CHECKED_LENGTH). A new exported pattern must be added
 * here: the test fails until it is.
 */
const EXPORTED: Record<string, number> = {
  "server/names.ts#HOST_NAME": 63,
  "server/names.ts#SSH_USER": 32,
  "server/names.ts#ADDRESS": 253,
  "server/names.ts#SCRATCH_NAME": 64,
  "server/names.ts#ABS_PATH": 255,
  "lib/names.ts#GUEST_NAME": 32,
  "server/hypervisors/qemu/guest-definition.ts#MACHINE_TYPE": 40,
  "server/hypervisors/qemu/guest-definition.ts#CPU_MODEL": 80,
  "server/hypervisors/xen/definition.ts#XEN_VDEV": 8,
  "lib/mac.ts#MAC": 17,
  "lib/names.ts#IFNAME": 15,
  "lib/names.ts#IFNAME_MATCH": 16,
  "lib/names.ts#CHAIN_NAME": 29,
  "lib/names.ts#TABLE_NAME": 32,
  "lib/names.ts#UNIX_NAME": 32,
  "lib/names.ts#LVM_NAME": 63,
  "lib/ipv4.ts#IPV4": 15,
};

const fam = (label: string, make: (n: number) => string): InputFamily => ({ label, make });
const rep = (unit: string, n: number) => unit.repeat(Math.max(1, Math.ceil(n / unit.length))).slice(0, n);

// Shapes the generic families miss, one per file whose patterns were once super-linear on
// them: kept so that each of those fixes stays fixed.
const EXTRA: Record<string, InputFamily[]> = {
  "server/hosts/probe/parse-versions.ts": [fam("1.111…1 + space", (n) => `1.${rep("1", n)} `)],
  "scripts/guest-image/tiny-guest.ts": [fam("Depends:linux-image-0…", (n) => rep("Depends:linux-image-0", n))],
  "server/hosts/probe/parse-kvm-check.ts": [fam("Assertion Assertion …", (n) => rep("Assertion ", n))],
  "server/storage/parse-findmnt.ts": [fam("/[/[/[…", (n) => `/${rep("[/", n)}`)],
};

// The classic evil strings for names and paths, run on every exported pattern.
const CLASSIC: InputFamily[] = [
  fam("/a/a/a/…!", (n) => `${rep("/a", n - 1)}!`),
  fam("/aaaa…!", (n) => `/${rep("a", n - 2)}!`),
  fam("/a.a-a_a…!", (n) => `/${rep("a.a-a_a/", n - 2)}!`),
  fam("//////…x", (n) => `${rep("/", n - 1)}\0`),
  fam("aaaa…!", (n) => `${rep("a", n - 1)}!`),
  fam("a-a-a-…-!", (n) => `${rep("a-", n - 1)}!`),
  fam("....!", (n) => `${rep(".", n - 1)}!`),
  fam("::::!", (n) => `${rep(":", n - 1)}!`),
  fam("00:00:…!", (n) => `${rep("00:", n - 1)}!`),
];

interface Slow {
  where: string;
  pattern: string;
  input: string;
  length: number;
  ms: number;
}

let spent = 0;

/** Runs `re` on each family at growing sizes up to `maxLength`; returns the first slow run of each. */
function measure(re: RegExp, where: string, families: readonly InputFamily[], lengths: readonly number[]): Slow[] {
  const slow: Slow[] = [];
  for (const f of families) {
    for (const n of lengths) {
      const input = f.make(n);
      // The best of three: a GC pause or a busy core (tests run in parallel) can slow one
      // run, while a backtracking pattern is slow every time.
      let ms = runOnce(re, input);
      spent += ms;
      for (let retry = 0; retry < 2 && ms > BUDGET_MS; retry++) ms = Math.min(ms, runOnce(re, input));
      if (ms > BUDGET_MS) {
        // Larger sizes would only take longer (for an exponential pattern, much longer).
        slow.push({ where, pattern: `/${re.source}/${re.flags}`, input: f.label, length: input.length, ms: Math.round(ms) });
        break;
      }
    }
  }
  return slow;
}

function compile(p: FoundPattern): RegExp {
  return new RegExp(p.source, p.flags.replace("y", ""));
}

describe("pattern safety", () => {
  it("finds the project's patterns (the scan itself works)", () => {
    expect(scan.patterns.length).toBeGreaterThan(100);
    expect(scan.patterns.some((p) => p.file === "server/names.ts" && p.exportedAs === "ABS_PATH")).toBe(true);
  });

  it("builds no pattern at run time (those could not be checked here)", () => {
    expect(scan.dynamic).toEqual([]);
  });

  it("covers every exported pattern, and only existing ones", async () => {
    const exported = scan.patterns.filter((p) => p.exportedAs !== null).map((p) => `${p.file}#${p.exportedAs}`);
    expect(
      exported.filter((k) => !(k in EXPORTED)),
      "exported patterns missing from EXPORTED",
    ).toEqual([]);
    expect(
      Object.keys(EXPORTED).filter((k) => !exported.includes(k)),
      "EXPORTED entries no longer in the sources",
    ).toEqual([]);
    // The modules' actual exports, so a pattern exported some other way than a literal
    // (built by a function, re-exported under another name) is noticed too.
    const modules = [...new Set(exported.map((k) => k.split("#")[0] as string))].filter((f) => f.endsWith(".ts"));
    const uncovered: string[] = [];
    for (const file of modules) {
      const mod = (await import(path.join(ROOT, file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod))
        if (value instanceof RegExp && !(`${file}#${name}` in EXPORTED)) uncovered.push(`${file}#${name}`);
    }
    expect(uncovered).toEqual([]);
  });

  it("runs every exported pattern on adversarial input of its maximum length and beyond within budget", async () => {
    const slow: Slow[] = [];
    for (const p of scan.patterns.filter((x) => x.exportedAs !== null)) {
      const key = `${p.file}#${p.exportedAs}`;
      const max = EXPORTED[key] ?? 0;
      const re = p.file.endsWith(".ts")
        ? ((await import(path.join(ROOT, p.file))) as Record<string, RegExp>)[p.exportedAs as string]
        : compile(p);
      expect(re, key).toBeInstanceOf(RegExp);
      const lengths = [...SIZES.filter((n) => n < max), max, max + 1, max + 16, MAX_CHECKED_LENGTH, MAX_CHECKED_LENGTH + 64, 16_384];
      slow.push(...measure(re as RegExp, key, [...CLASSIC, ...familiesFor(p)], lengths));
    }
    expect(slow).toEqual([]);
  });

  it("runs every pattern in the sources on adversarial input (host output is hostile) within budget", () => {
    const slow: Slow[] = [];
    for (const p of scan.patterns) {
      slow.push(...measure(compile(p), `${p.file}:${p.line}`, familiesFor(p, EXTRA[p.file] ?? []), SIZES));
    }
    expect(slow).toEqual([]);
    expect(spent).toBeLessThan(TOTAL_BUDGET_MS);
  }, 120_000);
});
