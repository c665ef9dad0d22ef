import { accessSync, constants, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// A new machine once failed the suite on a command (cpio) that only the machine where it
// passed had, installed by hand. This test reads every command name the sources start
// (argv arrays, spawn/execFile) and requires each one that exists on this machine to be
// listed in commands.tsv, from which install-test-deps.sh installs packages.

const ROOT = path.resolve(import.meta.dirname, "../..");
const SCAN = ["server", "scripts", "e2e", "bench", "components", "app"];
// Words that appear first in string arrays as data (QEMU option keys, state names, shell
// builtins in constant scripts) and happen to be program names here too.
const DATA_WORDS = new Set([
  "arch",
  "command",
  "false",
  "file",
  "hostname",
  "id",
  "jobs",
  "link",
  "local",
  "read",
  "shutdown",
  "size",
  "source",
  "type",
  "users",
  "x86_64",
]);
const TOKEN = /(?:\[\s*|\b(?:spawn|spawnSync|execFile|execFileSync)\(\s*)"([a-z][a-z0-9._+-]{0,40})"/g;
// npm's bin folders are on PATH under vitest; what they hold comes from package.json.
const SEARCH_PATH = [...(process.env["PATH"] ?? "").split(":"), "/usr/sbin", "/sbin"].filter(
  (d) => d !== "" && !d.includes("node_modules"),
);

function table(): Map<string, string> {
  const rows = readFileSync(path.join(import.meta.dirname, "commands.tsv"), "utf8").split("\n");
  const out = new Map<string, string>();
  for (const row of rows) {
    if (row === "" || row.startsWith("#")) continue;
    const [cmd = "", pkg = ""] = row.split("\t");
    out.set(cmd, pkg);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name === "generated" || e.name === "fixtures") continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|tsx|mjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

function onThisMachine(cmd: string): boolean {
  return SEARCH_PATH.some((d) => {
    try {
      accessSync(path.join(d, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

describe("external commands", () => {
  const listed = table();

  it("every command the sources start and this machine has is listed with its package", () => {
    const unlisted = new Map<string, string>();
    for (const file of SCAN.flatMap((d) => sourceFiles(path.join(ROOT, d)))) {
      for (const m of readFileSync(file, "utf8").matchAll(TOKEN)) {
        const cmd = m[1] ?? "";
        if (DATA_WORDS.has(cmd) || listed.has(cmd) || !onThisMachine(cmd)) continue;
        unlisted.set(cmd, path.relative(ROOT, file));
      }
    }
    expect(Object.fromEntries(unlisted)).toEqual({});
  });

  it("every listed command outside the lab VM resolves here (install-test-deps.sh installed it)", () => {
    const absent = [...listed].filter(([cmd, pkg]) => pkg !== "lab-vm" && !onThisMachine(cmd)).map(([cmd, pkg]) => `${cmd} (${pkg})`);
    expect(absent).toEqual([]);
  });
});
