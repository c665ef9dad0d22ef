// The harness itself: hosts start fast and in parallel, and stop (or a cleanup after a
// crash) leaves no namespace, veth, process, directory or slot behind.
import { spawn } from "node:child_process";
import { access } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SshPool } from "../../server/ssh/pool";
import { cleanupStaleLabHosts, labHostsSupported, labHostTarget, startLabHost, type LabHostState } from ".";
import { linkExists, namespaceExists, namespacePids, processAlive } from "./netns";
import { listSlots } from "./slots";

const support = labHostsSupported();

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

interface Footprint {
  namespace: string;
  veth: string;
  dir: string;
  slot: number;
  pids: number[];
}

async function assertGone(f: Footprint): Promise<void> {
  expect(await namespaceExists(f.namespace)).toBe(false);
  expect(await linkExists(f.veth)).toBe(false);
  expect(await exists(f.dir)).toBe(false);
  // The slot number may already belong to a host another test process just started.
  expect((await listSlots()).filter((s) => s.slot === f.slot && s.owner?.namespace === f.namespace)).toEqual([]);
  for (const pid of f.pids) expect(await processAlive(pid)).toBe(false);
}

describe.skipIf(!support.ok)(`lab-host harness${support.ok ? "" : ` (skipped: ${support.reason})`}`, () => {
  it("starts several hosts at once, each reachable and distinct, and stop leaves nothing behind", async () => {
    const started = performance.now();
    const hosts = await Promise.all([startLabHost(), startLabHost(), startLabHost()]);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(3000);
    expect(new Set(hosts.map((h) => h.address)).size).toBe(3);
    expect(new Set(hosts.map((h) => h.runDir)).size).toBe(3);

    const pool = new SshPool();
    const footprints: Footprint[] = [];
    try {
      for (const h of hosts) {
        const r = await pool.exec(labHostTarget(h), ["sh", "-c", "ip -4 -o addr show dev eth0; wc -c < /root/.bashrc"]);
        expect(r.stdout).toContain(`${h.address}/30`);
        // The empty file bind-mounted over /root/.bashrc, only inside sshd's mount namespace.
        expect(r.stdout.trim().endsWith("0")).toBe(true);
        const sshd = await h.sshdPid();
        expect(sshd).not.toBeNull();
        footprints.push({
          namespace: h.namespace,
          veth: h.veth,
          dir: h.dir,
          slot: h.slot,
          pids: (await h.processes()).map((p) => p.pid),
        });
      }
    } finally {
      await pool.closeAll();
      await Promise.all(hosts.map((h) => h.stop()));
    }
    for (const f of footprints) await assertGone(f);
  });

  it("starts one host in well under a second", async () => {
    const started = performance.now();
    const host = await startLabHost();
    const elapsed = performance.now() - started;
    await host.stop();
    expect(elapsed).toBeLessThan(1000);
  });

  it("refuses a second host with the same name and leaves the first intact", async () => {
    const name = `dup${process.pid}`;
    const first = await startLabHost({ name });
    try {
      await expect(startLabHost({ name })).rejects.toThrow(/already exists|could not be created/);
      expect(await processAlive((await first.sshdPid()) ?? -1)).toBe(true);
      expect(await namespaceExists(first.namespace)).toBe(true);
    } finally {
      await first.stop();
    }
  });

  it("cleanupStaleLabHosts removes a host whose owner process died", async () => {
    const cli = spawn("npx", ["tsx", path.join(import.meta.dirname, "cli.ts"), "start"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const state = await new Promise<LabHostState>((resolve, reject) => {
      let buf = "";
      cli.stdout.on("data", (c: Buffer) => {
        buf += c.toString();
        const line = buf.split("\n").find((l) => l.startsWith("{"));
        if (line !== undefined) resolve(JSON.parse(line) as LabHostState);
      });
      cli.on("exit", (code) => reject(new Error(`cli exited with ${code}`)));
    });
    const pids = await namespacePids(state.namespace);
    expect(pids.length).toBeGreaterThan(0);
    const owner = (await listSlots()).find((s) => s.owner?.namespace === state.namespace)?.owner;
    expect(owner).toBeDefined();
    const exited = new Promise((resolve) => cli.on("exit", resolve));
    // Only the owning node process dies, as in a crash: its sshd lives on, orphaned.
    process.kill(owner?.pid ?? -1, "SIGKILL");
    await exited;
    expect(await namespaceExists(state.namespace)).toBe(true);
    expect(await processAlive(pids[0] ?? -1)).toBe(true);

    const report = await cleanupStaleLabHosts();
    expect(report.removedNamespaces).toContain(state.namespace);
    await assertGone({ namespace: state.namespace, veth: state.veth, dir: state.dir, slot: state.slot, pids });
  });
});
