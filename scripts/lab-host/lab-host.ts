// A real managed host for tests and demos: sshd in its own network namespace, reachable
// from the test machine over a private veth /30. Network namespaces share PIDs and files
// with the machine, so every host gets its own directory and teardown kills exactly the
// processes that live in its namespace; nothing outside the namespace and its veth may
// ever be changed by this module.
import { spawn, type ChildProcess } from "node:child_process";
import { access, copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SshTarget } from "../../server/ssh/types";
import { createNamespace, createNetwork, destroyNetwork, namespacePids } from "./netns";
import { run, type RunResult } from "./run";
import { claimSlot, recordSlotOwner, releaseSlot, slotAddresses, vethName } from "./slots";
import { generateKey, keyFingerprint, readPid, sshdFiles, startSshd, stopSshd, writeSshdConfig, type SshdFiles } from "./sshd";

export const DEFAULT_LAB_BASE_DIR = "/tmp/labdeck-lab";
const NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;

export interface StartLabHostOptions {
  /** Lowercase letters, digits and dashes; default "lab<slot>". The namespace is "ldk-<name>". */
  name?: string;
  /** Parent of the host's own directory; default /tmp/labdeck-lab. */
  baseDir?: string;
  /** Keep sshd running after this process exits (the demo host). */
  detached?: boolean;
  /** sshd MaxSessions (channels per connection); default 64. */
  maxSessions?: number;
  /** sshd LogLevel; DEBUG1 shows every authentication request. Default VERBOSE. */
  logLevel?: "INFO" | "VERBOSE" | "DEBUG1" | "DEBUG2" | "DEBUG3";
  /**
   * Reuse host and client keys left in the host's directory by a previous stop({ keepKeys }),
   * so a host Labdeck already pinned keeps its identity across restarts (the demo host).
   */
  keepKeys?: boolean;
  /** Slot to try first for a stable address (slotAddresses(slot)); falls back to any free one. */
  preferredSlot?: number;
}

/** Everything needed to find a host again, e.g. from the demo host's state file. */
export interface LabHostState {
  name: string;
  namespace: string;
  slot: number;
  veth: string;
  address: string;
  gateway: string;
  port: number;
  username: "root";
  dir: string;
  runDir: string;
  privateKeyFile: string;
  hostKeyFingerprint: string;
  detached: boolean;
}

export interface NsProcess {
  pid: number;
  argv: string[];
}

export interface LabHost extends LabHostState {
  privateKey: string;
  publicKey: string;
  /** Runs argv inside the host's network namespace (no shell) to check real effects. */
  execInNs(argv: readonly string[]): Promise<RunResult>;
  /** Starts a long-running process in the namespace (stdio ignored); stop() kills it. */
  spawnInNs(argv: readonly string[]): ChildProcess;
  /** Processes living in this host's namespace, with their argv. */
  processes(): Promise<NsProcess[]>;
  sshdPid(): Promise<number | null>;
  sshdLog(): Promise<string>;
  /** New host key and an sshd restart; resolves with the new fingerprint. */
  rotateHostKey(): Promise<string>;
  restartSshd(): Promise<void>;
  /** Kills the listening sshd and every per-connection sshd at once: a crashed server. */
  killSshd(): Promise<void>;
  /** Kills only the per-connection sshd processes: clients see their connection drop. */
  dropConnections(): Promise<void>;
  /** Removes namespace, veth, processes and directory; keepKeys leaves the key files only. */
  stop(opts?: { keepKeys?: boolean }): Promise<void>;
}

async function readArgv(pid: number): Promise<string[] | null> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, "utf8");
    if (raw === "") return null;
    return raw.replace(/\0$/, "").split("\0");
  } catch {
    return null;
  }
}

async function readComm(pid: number): Promise<string | null> {
  try {
    return (await readFile(`/proc/${pid}/comm`, "utf8")).trim();
  } catch {
    return null;
  }
}

function keyFiles(files: SshdFiles): string[] {
  return [files.hostKeyFile, `${files.hostKeyFile}.pub`, files.privateKeyFile, `${files.privateKeyFile}.pub`];
}

async function removeAllBut(dir: string, keep: readonly string[]): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const kept = new Set(keep.map((f) => path.basename(f)));
  await Promise.all(names.filter((n) => !kept.has(n)).map((n) => rm(path.join(dir, n), { recursive: true, force: true })));
}

function writeState(state: LabHostState): Promise<void> {
  return writeFile(path.join(state.dir, "state.json"), JSON.stringify(state, null, 2));
}

async function filesExist(files: readonly string[]): Promise<boolean> {
  const found = await Promise.all(
    files.map((f) =>
      access(f).then(
        () => true,
        () => false,
      ),
    ),
  );
  return !found.includes(false);
}

export function attachLabHost(state: LabHostState, keys: { privateKey: string; publicKey: string }): LabHost {
  const files: SshdFiles = sshdFiles(state.dir);

  const processes = async (): Promise<NsProcess[]> => {
    const out: NsProcess[] = [];
    for (const pid of await namespacePids(state.namespace)) {
      const argv = await readArgv(pid);
      if (argv !== null) out.push({ pid, argv });
    }
    return out;
  };

  const sshdProcesses = async (): Promise<number[]> => {
    const pids: number[] = [];
    for (const pid of await namespacePids(state.namespace)) {
      if ((await readComm(pid)) === "sshd") pids.push(pid);
    }
    return pids;
  };

  const killAll = (pids: readonly number[]): void => {
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // exited on its own meanwhile
      }
    }
  };

  const host: LabHost = {
    ...state,
    ...keys,
    execInNs: (argv) => run(["ip", "netns", "exec", state.namespace, ...argv]),
    spawnInNs: (argv) => spawn("ip", ["netns", "exec", state.namespace, ...argv], { stdio: "ignore" }),
    processes,
    sshdPid: () => readPid(files.pidFile),
    sshdLog: () => readFile(files.logFile, "utf8").catch(() => ""),
    async restartSshd() {
      await stopSshd(files);
      await startSshd(state.namespace, files, state.detached);
    },
    async rotateHostKey() {
      await generateKey(files.hostKeyFile, `labdeck-lab-${state.name}-host`);
      host.hostKeyFingerprint = await keyFingerprint(`${files.hostKeyFile}.pub`);
      await writeState({ ...state, hostKeyFingerprint: host.hostKeyFingerprint });
      await host.restartSshd();
      return host.hostKeyFingerprint;
    },
    async killSshd() {
      killAll(await sshdProcesses());
      await rm(files.pidFile, { force: true });
    },
    async dropConnections() {
      const listener = await readPid(files.pidFile);
      killAll((await sshdProcesses()).filter((pid) => pid !== listener));
    },
    async stop(opts = {}) {
      await destroyNetwork({ namespace: state.namespace, veth: state.veth });
      await releaseSlot(state.slot);
      if (opts.keepKeys) await removeAllBut(state.dir, keyFiles(files));
      else await rm(state.dir, { recursive: true, force: true });
    },
  };
  return host;
}

/** Finds a host again from its directory (state.json and keys), e.g. in another process. */
export async function loadLabHost(dir: string): Promise<LabHost> {
  const state = JSON.parse(await readFile(path.join(dir, "state.json"), "utf8")) as LabHostState;
  const [privateKey, publicKey] = await Promise.all([
    readFile(state.privateKeyFile, "utf8"),
    readFile(`${state.privateKeyFile}.pub`, "utf8"),
  ]);
  return attachLabHost(state, { privateKey, publicKey: publicKey.trim() });
}

export async function startLabHost(opts: StartLabHostOptions = {}): Promise<LabHost> {
  if (opts.name !== undefined && !NAME_PATTERN.test(opts.name)) {
    throw new Error(`lab host name must match ${NAME_PATTERN}: ${JSON.stringify(opts.name)}`);
  }
  const slot = await claimSlot(opts.preferredSlot);
  const name = opts.name ?? `lab${slot}`;
  const namespace = `ldk-${name}`;
  const veth = vethName(slot);
  const addresses = slotAddresses(slot);
  const dir = path.resolve(opts.baseDir ?? DEFAULT_LAB_BASE_DIR, name);
  const detached = opts.detached ?? false;
  await recordSlotOwner(slot, { namespace, veth, dir, pid: process.pid, detached, createdAt: new Date().toISOString() });

  let namespaceCreated = false;
  try {
    try {
      await createNamespace(namespace);
      namespaceCreated = true;
    } catch (e) {
      throw new Error(
        `lab host "${name}" could not be created (namespace ${namespace}); if it is left over, ` +
          `stop it or run cleanupStaleLabHosts(): ${String(e)}`,
        { cause: e },
      );
    }
    await createNetwork({ namespace, veth, addresses });
    const files = sshdFiles(dir);
    if (opts.keepKeys && (await filesExist(keyFiles(files)))) {
      await removeAllBut(dir, keyFiles(files));
    } else {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      await Promise.all([
        generateKey(files.hostKeyFile, `labdeck-lab-${name}-host`),
        generateKey(files.privateKeyFile, `labdeck-lab-${name}-client`),
      ]);
    }
    await mkdir(path.join(dir, "run"), { recursive: true });
    await copyFile(`${files.privateKeyFile}.pub`, files.authorizedKeysFile);
    const [hostKeyFingerprint, privateKey, publicKey] = await Promise.all([
      keyFingerprint(`${files.hostKeyFile}.pub`),
      readFile(files.privateKeyFile, "utf8"),
      readFile(`${files.privateKeyFile}.pub`, "utf8"),
    ]);
    await writeSshdConfig(files, {
      listenAddress: addresses.inside,
      port: 22,
      maxSessions: opts.maxSessions ?? 64,
      logLevel: opts.logLevel ?? "VERBOSE",
    });
    await mkdir("/run/sshd", { recursive: true });
    await startSshd(namespace, files, detached);
    const state: LabHostState = {
      name,
      namespace,
      slot,
      veth,
      address: addresses.inside,
      gateway: addresses.outside,
      port: 22,
      username: "root",
      dir,
      runDir: path.join(dir, "run"),
      privateKeyFile: files.privateKeyFile,
      hostKeyFingerprint,
      detached,
    };
    await writeState(state);
    return attachLabHost(state, { privateKey, publicKey: publicKey.trim() });
  } catch (e) {
    if (namespaceCreated) {
      await destroyNetwork({ namespace, veth }).catch(() => undefined);
      if (opts.keepKeys) await removeAllBut(dir, keyFiles(sshdFiles(dir))).catch(() => undefined);
      else await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
    await releaseSlot(slot).catch(() => undefined);
    throw e;
  }
}

/** An SshTarget for the pool, pinned to the host's current key unless overridden. */
export function labHostTarget(host: LabHost, overrides: Partial<SshTarget> = {}): SshTarget {
  return {
    hostId: `lab-${host.name}`,
    name: host.name,
    address: host.address,
    port: host.port,
    username: host.username,
    privateKey: host.privateKey,
    pinnedFingerprint: host.hostKeyFingerprint,
    ...overrides,
  };
}
