import { assertAbsPath, assertMatches, SCRATCH_NAME } from "../names";
import type { TPlan } from "../jobs/plan";

// Scratch directories under the host's Labdeck run directory: the first change operation,
// proving the plan/job/audit path end to end. Names are checked again here, not only at
// the API edge, so no caller can smuggle a path through.

function scratchRoot(runDir: string): string {
  return `${assertAbsPath("runDir", runDir).replace(/\/$/, "")}/scratch`;
}

export function scratchPath(runDir: string, name: string): string {
  return `${scratchRoot(runDir)}/${assertMatches("name", name, SCRATCH_NAME, "a valid scratch directory name")}`;
}

export function planCreateScratch(opts: { runDir: string; name: string }): TPlan {
  const dir = scratchPath(opts.runDir, opts.name);
  return {
    title: `Create scratch directory ${opts.name}`,
    steps: [
      { argv: ["mkdir", "-p", "--", scratchRoot(opts.runDir)], purpose: "make sure the scratch root exists" },
      { argv: ["mkdir", "--", dir], purpose: `create ${dir}`, undo: ["rmdir", "--", dir] },
    ],
  };
}

export function planRemoveScratch(opts: { runDir: string; name: string }): TPlan {
  const dir = scratchPath(opts.runDir, opts.name);
  return {
    title: `Remove scratch directory ${opts.name}`,
    steps: [{ argv: ["rm", "-r", "--one-file-system", "--", dir], purpose: `remove ${dir} and its contents` }],
  };
}

export function listScratchArgv(runDir: string): string[] {
  return ["find", scratchRoot(runDir), "-mindepth", "1", "-maxdepth", "1", "-type", "d", "-printf", "%f\\n"];
}

export function parseScratchList(stdout: string): string[] {
  return stdout
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && SCRATCH_NAME.test(l))
    .sort();
}
