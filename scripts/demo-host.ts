// A lab host for newcomers without one: `npx tsx scripts/demo-host.ts start|stop|status`.
// It keeps running after the command exits; its state lives in
// ${LABDECK_DATA_DIR:-data}/demo-host/ so a later `stop` (or the server) can find it. Its keys
// survive stop/start, so a demo host already added to Labdeck stays pinned and reachable;
// `stop --purge` forgets them too. Needs root, like every lab host.
import { readFile, rm, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadLabHost, startLabHost, type LabHost } from "./lab-host";
import { namespaceExists, processAlive } from "./lab-host/netns";
import { LAST_SLOT } from "./lab-host/slots";
import { labHostsSupported } from "./lab-host/support";

const DEMO_NAME = "demo";

export interface DemoHostInfo {
  address: string;
  port: number;
  username: string;
  privateKeyFile: string;
  hostKeyFingerprint: string;
  /** Where Labdeck should keep its files on this host (see LAB-HOSTS.md: hosts share /tmp). */
  runDir: string;
  namespace: string;
  /** An OpenSSH known_hosts file holding the demo host's key, for trying it with `ssh`. */
  knownHostsFile: string;
}

export type DemoHostStatus = ({ running: true } & DemoHostInfo) | { running: false; leftovers: boolean };

function demoDir(dataDir: string): string {
  return path.resolve(dataDir, "demo-host");
}

function stateFile(dataDir: string): string {
  return path.join(demoDir(dataDir), "state.json");
}

function knownHostsFile(host: LabHost): string {
  return path.join(path.dirname(host.dir), "known_hosts");
}

function infoOf(host: LabHost): DemoHostInfo {
  return {
    knownHostsFile: knownHostsFile(host),
    address: host.address,
    port: host.port,
    username: host.username,
    privateKeyFile: host.privateKeyFile,
    hostKeyFingerprint: host.hostKeyFingerprint,
    runDir: host.runDir,
    namespace: host.namespace,
  };
}

async function recorded(dataDir: string): Promise<LabHost | null> {
  try {
    const { dir } = JSON.parse(await readFile(stateFile(dataDir), "utf8")) as { dir: string };
    return await loadLabHost(dir);
  } catch {
    return null;
  }
}

async function isRunning(host: LabHost): Promise<boolean> {
  const pid = await host.sshdPid();
  return pid !== null && (await processAlive(pid)) && (await namespaceExists(host.namespace));
}

export async function demoHostStatus(dataDir: string): Promise<DemoHostStatus> {
  const host = await recorded(dataDir);
  if (host === null) return { running: false, leftovers: false };
  if (await isRunning(host)) return { running: true, ...infoOf(host) };
  return { running: false, leftovers: true };
}

/**
 * Idempotent: a running demo host is reported as it is; leftovers of a dead one are cleared.
 * `name` exists for tests, which must not collide with a developer's own demo host.
 */
export async function startDemoHost(dataDir: string, opts: { name?: string } = {}): Promise<DemoHostInfo> {
  const support = labHostsSupported();
  if (!support.ok) throw new Error(`cannot start the demo host: ${support.reason}`);
  const previous = await recorded(dataDir);
  if (previous !== null) {
    if (await isRunning(previous)) return infoOf(previous);
    await previous.stop({ keepKeys: true });
  }
  await mkdir(demoDir(dataDir), { recursive: true });
  const host = await startLabHost({
    name: opts.name ?? DEMO_NAME,
    baseDir: demoDir(dataDir),
    detached: true,
    keepKeys: true,
    // The last slot gives the demo host the same address (10.203.255.254) on every start.
    preferredSlot: LAST_SLOT,
  });
  const hostKey = (await readFile(path.join(host.dir, "ssh_host_ed25519_key.pub"), "utf8")).split(" ");
  await writeFile(knownHostsFile(host), `${host.address} ${hostKey[0]} ${hostKey[1]}\n`);
  await writeFile(stateFile(dataDir), JSON.stringify({ dir: host.dir, namespace: host.namespace }, null, 2));
  return infoOf(host);
}

export async function stopDemoHost(dataDir: string, opts: { purge?: boolean } = {}): Promise<{ stopped: boolean }> {
  const host = await recorded(dataDir);
  if (host !== null) await host.stop({ keepKeys: !opts.purge });
  await rm(stateFile(dataDir), { force: true });
  if (opts.purge) await rm(demoDir(dataDir), { recursive: true, force: true });
  return { stopped: host !== null };
}

async function cli(argv: readonly string[]): Promise<number> {
  const dataDir = process.env.LABDECK_DATA_DIR ?? "data";
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const describe = (i: DemoHostInfo) =>
    [
      `address      ${i.address}`,
      `port         ${i.port}`,
      `user         ${i.username}`,
      `private key  ${i.privateKeyFile}`,
      `host key     ${i.hostKeyFingerprint}`,
      `run dir      ${i.runDir}`,
      `try it:      ssh -i ${i.privateKeyFile} -o UserKnownHostsFile=${i.knownHostsFile} ${i.username}@${i.address} uname -a`,
    ].join("\n");
  switch (argv[0]) {
    case "start":
      out(`demo host running\n${describe(await startDemoHost(dataDir))}`);
      return 0;
    case "stop": {
      const { stopped } = await stopDemoHost(dataDir, { purge: argv.includes("--purge") });
      out(stopped ? "demo host stopped" : "no demo host was recorded");
      return 0;
    }
    case "status": {
      const s = await demoHostStatus(dataDir);
      if (s.running) out(`demo host running\n${describe(s)}`);
      else out(s.leftovers ? "demo host is not running (leftovers: run stop)" : "demo host is not running");
      return s.running ? 0 : 3;
    }
    default:
      process.stderr.write("usage: npx tsx scripts/demo-host.ts start|stop [--purge]|status\n");
      return 2;
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
