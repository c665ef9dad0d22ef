// Network plumbing for lab hosts: one namespace and one veth pair per host. Only the
// namespace and the outside end of the veth (ldk-<slot>) are ever created or deleted; the
// machine's own interfaces, routes, rules and iptables must never be touched from here.
import { readFile } from "node:fs/promises";
import { run, runOk, sleep } from "./run";
import type { SlotAddresses } from "./slots";

export interface NetworkSpec {
  namespace: string;
  veth: string;
  addresses: SlotAddresses;
}

/** Fails without side effects when the name is taken: the namespace is the lock on a host name. */
export async function createNamespace(namespace: string): Promise<void> {
  await runOk(["ip", "netns", "add", namespace]);
}

export async function createNetwork(spec: NetworkSpec): Promise<void> {
  const { namespace, veth, addresses: a } = spec;
  await runOk(["ip", "-batch", "-"], {
    input: [
      `link add ${veth} type veth peer name eth0 netns ${namespace}`,
      `addr add ${a.outside}/${a.prefix} dev ${veth}`,
      `link set ${veth} up`,
      "",
    ].join("\n"),
  });
  await runOk(["ip", "-n", namespace, "-batch", "-"], {
    input: [
      "link set lo up",
      `addr add ${a.inside}/${a.prefix} dev eth0`,
      "link set eth0 up",
      `route add default via ${a.outside}`,
      "",
    ].join("\n"),
  });
}

export async function namespaceExists(namespace: string): Promise<boolean> {
  const r = await run(["ip", "netns", "list"]);
  return r.stdout.split("\n").some((line) => line.split(" ")[0] === namespace);
}

export async function listNamespaces(): Promise<string[]> {
  const r = await run(["ip", "netns", "list"]);
  return r.stdout
    .split("\n")
    .map((line) => line.split(" ")[0] ?? "")
    .filter((n) => n !== "");
}

/** Processes whose network namespace is this one: sshd, its sessions, whatever tests started. */
export async function namespacePids(namespace: string): Promise<number[]> {
  const r = await run(["ip", "netns", "pids", namespace]);
  if (r.code !== 0) return [];
  return r.stdout
    .split("\n")
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** A zombie counts as gone: it holds no namespace and runs nothing, only its parent can reap it. */
export async function processAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

export async function waitForExit(pids: readonly number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = await Promise.all(pids.map(processAlive));
    if (!alive.includes(true)) return true;
    if (Date.now() > deadline) return false;
    await sleep(5);
  }
}

export async function killNamespaceProcesses(namespace: string): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const pids = await namespacePids(namespace);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone between listing and killing
      }
    }
    await waitForExit(pids, 2000);
  }
}

export async function linkExists(name: string): Promise<boolean> {
  const r = await run(["ip", "link", "show", "dev", name]);
  return r.code === 0;
}

/** Safe to call on a half-built or already removed network: every step tolerates absence. */
export async function destroyNetwork(spec: { namespace: string; veth?: string }): Promise<void> {
  if (await namespaceExists(spec.namespace)) await killNamespaceProcesses(spec.namespace);
  if (spec.veth !== undefined && (await linkExists(spec.veth))) await run(["ip", "link", "del", "dev", spec.veth]);
  if (await namespaceExists(spec.namespace)) await runOk(["ip", "netns", "del", spec.namespace]);
}
