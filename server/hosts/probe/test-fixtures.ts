import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { ExecResult } from "../../ssh/types";

// Test-only loaders for the captured fixtures (see fixtures/README.md).

export const FIXTURES = join(import.meta.dirname, "fixtures");

export function fixture(rel: string): string {
  return readFileSync(join(FIXTURES, rel), "utf8");
}

interface ManifestEntry {
  id: string;
  argv: string[];
  outcome: ExecResult["outcome"];
  exitStatus: number | null;
  exitSignal: string | null;
  durationMs: number;
}

export function manifest(dir: string): ManifestEntry[] {
  return JSON.parse(fixture(`${dir}/manifest.json`)) as ManifestEntry[];
}

/** The recorded ExecResult of one step, stdout and stderr read from their files. */
export function recorded(dir: string, id: string): ExecResult {
  const entry = manifest(dir).find((e) => e.id === id);
  if (!entry) throw new Error(`no recorded step ${dir}/${id}`);
  const read = (ext: string) => (existsSync(join(FIXTURES, dir, `${id}.${ext}`)) ? fixture(`${dir}/${id}.${ext}`) : "");
  return {
    outcome: entry.outcome,
    exitStatus: entry.exitStatus,
    exitSignal: entry.exitSignal,
    stdout: read("stdout"),
    stderr: read("stderr"),
    durationMs: entry.durationMs,
  };
}
