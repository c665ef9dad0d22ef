// The layer rule bites: dependency-cruiser with the project's own .dependency-cruiser.cjs,
// run on small throwaway trees laid out like the project, finds an upward import, an import
// loop through a lazy import(), the harness imported from server/, a router reaching past
// services/, and a subject module touching the database; and finds nothing in a tree that
// imports only downwards.
import { execFile } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const bin = path.join(root, "node_modules/.bin/depcruise");
const dirs: string[] = [];

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "labdeck-layers-"));
  dirs.push(dir);
  await writeFile(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { module: "esnext", moduleResolution: "bundler", strict: true } }),
  );
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return dir;
}

/** The names of the rules the tree breaks. */
async function violations(dir: string): Promise<string[]> {
  const args = ["--config", path.join(root, ".dependency-cruiser.cjs"), "--output-type", "json", "server", "lib", "components"];
  const out = await run(bin, args, { cwd: dir, maxBuffer: 16 * 2 ** 20 }).then(
    (r) => r.stdout,
    (e: { stdout?: string }) => e.stdout ?? "",
  );
  const result = JSON.parse(out) as { summary: { violations: { rule: { name: string } }[] } };
  return [...new Set(result.summary.violations.map((v) => v.rule.name))].sort();
}

afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe("the layer rule (.dependency-cruiser.cjs)", () => {
  it("passes a tree whose imports point down", async () => {
    const dir = await tree({
      "lib/names.ts": "export const NAME = /^[a-z]+$/;\n",
      "server/ssh/quote.ts": "export const q = (s: string) => s;\n",
      "server/hosts/probe.ts":
        'import { q } from "../ssh/quote";\nimport { NAME } from "../../lib/names";\nexport const p = () => q(String(NAME));\n',
      "server/services/host-service.ts": 'import { p } from "../hosts/probe";\nexport const s = () => p();\n',
      "server/api/routers/hosts.ts": 'import { s } from "../../services/host-service";\nexport const r = () => s();\n',
      "components/hosts.tsx":
        'import type { r } from "../server/api/routers/hosts";\nimport { NAME } from "../lib/names";\nexport type R = typeof r;\nexport const n = NAME;\n',
    });
    expect(await violations(dir)).toEqual([]);
  }, 30_000);

  it("fails an upward import, a loop through import(), the harness in server/, and I/O in lib/", async () => {
    const dir = await tree({
      "server/services/runtime.ts": 'import { job } from "./network-job";\nexport const runtime = () => job;\n',
      "server/services/network-job.ts": 'export const job = async () => (await import("./runtime")).runtime;\n',
      "server/hosts/probe.ts": 'import { runtime } from "../services/runtime";\nexport const p = runtime;\n',
      "server/services/demo.ts": 'import { h } from "../../scripts/lab-host";\nexport const d = h;\n',
      "scripts/lab-host.ts": "export const h = 1;\n",
      "lib/sizes.ts": 'import { readFileSync } from "node:fs";\nexport const s = readFileSync;\n',
      "components/page.tsx": 'import { runtime } from "../server/services/runtime";\nexport const x = runtime;\n',
    });
    expect(await violations(dir)).toEqual([
      "lib-no-node",
      "no-circular",
      "server-not-to-harness",
      "services-not-from-below",
      "ui-only-server-types",
    ]);
  }, 30_000);

  it("keeps guest kinds behind the contract: no service or page reaches a kind's folder, no kind another's", async () => {
    const dir = await tree({
      "lib/guest-states.ts": 'export const KINDS = ["qemu", "xen"] as const;\n',
      "components/guest-page.tsx": 'import type { Hypervisor } from "../server/hypervisors/contract";\nexport type H = Hypervisor;\n',
      "server/hypervisors/contract.ts": "export interface Hypervisor { kind: string }\n",
      "server/hypervisors/qemu/plans.ts": "export const plan = () => 1;\n",
      "server/hypervisors/qemu/index.ts": 'import { plan } from "./plans";\nexport const qemu = { kind: "qemu", plan };\n',
      "server/hypervisors/xen/index.ts": 'import { plan } from "../qemu/plans";\nexport const xen = { kind: "xen", plan };\n',
      "server/hypervisors/registry.ts": 'import { qemu } from "./qemu";\nimport { xen } from "./xen";\nexport const kinds = [qemu, xen];\n',
      "server/services/guest-actions.ts":
        'import { kinds } from "../hypervisors/registry";\nimport { plan } from "../hypervisors/qemu/plans";\nexport const a = () => [kinds, plan];\n',
    });
    expect(await violations(dir)).toEqual(["kinds-behind-the-contract", "kinds-stay-apart"]);
  }, 30_000);

  it("fails a router importing a subject module (api-calls-services); a type import and a service call pass", async () => {
    const dir = await tree({
      // depcruise is pointed at server, lib and components: each must exist.
      "lib/names.ts": "export const NAME = 1;\n",
      "components/page.tsx": "export const x = 1;\n",
      "server/errors.ts": "export class LabdeckError extends Error {}\n",
      "server/network/ops.ts": "export const ZNetOp = 1;\nexport type TNetOp = number;\n",
      "server/services/network-change.ts": 'import { ZNetOp } from "../network/ops";\nexport const run = () => ZNetOp;\n',
      "server/api/routers/network.ts":
        'import { ZNetOp } from "../../network/ops";\nimport type { TNetOp } from "../../network/ops";\nimport { run } from "../../services/network-change";\nimport { LabdeckError } from "../../errors";\nexport const r = (op: TNetOp) => [run(), ZNetOp, op, LabdeckError];\n',
    });
    expect(await violations(dir)).toEqual(["api-calls-services"]);
  }, 30_000);

  it("fails a subject module importing the database, even as a type (subjects-no-db)", async () => {
    const dir = await tree({
      // depcruise is pointed at server, lib and components: each must exist.
      "lib/names.ts": "export const NAME = 1;\n",
      "components/page.tsx": "export const x = 1;\n",
      "server/db.ts": "export const db = {};\nexport type Db = typeof db;\n",
      "server/hosts/secret-start.ts": 'import type { Db } from "../db";\nexport const start = (d: Db) => d;\n',
      "server/services/secret-start.ts": 'import { db } from "../db";\nexport const s = () => db;\n',
    });
    expect(await violations(dir)).toEqual(["subjects-no-db"]);
  }, 30_000);
});
