import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// lib/ is imported by the browser and the server alike: pure code only. Its modules import
// each other and zod, nothing else (no node:*, no React, no Prisma, nothing of server/,
// components/ or app/). The layer lint enforces the same; this keeps it true without it.

const DIR = import.meta.dirname;
const ALLOWED = [/^\.\/[a-z0-9-]+$/, /^zod$/];

describe("lib/ is pure", () => {
  it("imports only its own modules and zod", () => {
    const found: string[] = [];
    for (const file of readdirSync(DIR).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))) {
      const text = readFileSync(path.join(DIR, file), "utf8");
      const specs = [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gm), ...text.matchAll(/^import\s+"([^"]+)"/gm)];
      for (const m of specs) {
        const spec = m[1] ?? "";
        if (!ALLOWED.some((a) => a.test(spec))) found.push(`${file}: ${spec}`);
      }
      if (/\bimport\(/.test(text) || /\brequire\(/.test(text)) found.push(`${file}: dynamic import`);
    }
    expect(found).toEqual([]);
  });
});
