// The sshd of one lab host: keys, config and process. sshd runs inside the host's network
// namespace and in a private mount namespace where an empty file hides /root/.bashrc (a
// heavy one costs 100 ms per command). Readiness is the PidFile: sshd writes it only after
// its listen socket is bound, so never report a host as started before that file appears.
import { spawn } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { processAlive, waitForExit } from "./netns";
import { runOk, sleep } from "./run";

export interface SshdFiles {
  dir: string;
  configFile: string;
  logFile: string;
  pidFile: string;
  hostKeyFile: string;
  privateKeyFile: string;
  authorizedKeysFile: string;
  emptyBashrcFile: string;
}

export interface SshdConfig {
  listenAddress: string;
  port: number;
  maxSessions: number;
  logLevel: string;
}

export function sshdFiles(dir: string): SshdFiles {
  return {
    dir,
    configFile: path.join(dir, "sshd_config"),
    logFile: path.join(dir, "sshd.log"),
    pidFile: path.join(dir, "sshd.pid"),
    hostKeyFile: path.join(dir, "ssh_host_ed25519_key"),
    privateKeyFile: path.join(dir, "client_ed25519"),
    authorizedKeysFile: path.join(dir, "authorized_keys"),
    emptyBashrcFile: path.join(dir, "empty-bashrc"),
  };
}

export async function generateKey(file: string, comment: string): Promise<void> {
  await rm(file, { force: true });
  await rm(`${file}.pub`, { force: true });
  await runOk(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file]);
}

/** "SHA256:…" exactly as OpenSSH prints it, so tests compare against an independent source. */
export async function keyFingerprint(publicKeyFile: string): Promise<string> {
  const out = await runOk(["ssh-keygen", "-l", "-E", "sha256", "-f", publicKeyFile]);
  const fp = out.split(" ")[1];
  if (fp === undefined || !fp.startsWith("SHA256:")) throw new Error(`unexpected ssh-keygen output: ${out}`);
  return fp;
}

function configPath(p: string): string {
  if (/["\s]/.test(p)) throw new Error(`lab-host path must not contain spaces or quotes: ${p}`);
  return p;
}

export async function writeSshdConfig(files: SshdFiles, cfg: SshdConfig): Promise<void> {
  const lines = [
    `ListenAddress ${cfg.listenAddress}`,
    `Port ${cfg.port}`,
    `HostKey ${configPath(files.hostKeyFile)}`,
    `PidFile ${configPath(files.pidFile)}`,
    `AuthorizedKeysFile ${configPath(files.authorizedKeysFile)}`,
    "PermitRootLogin prohibit-password",
    "PubkeyAuthentication yes",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "UsePAM no",
    // Keys live under a world-writable /tmp, which StrictModes would reject.
    "StrictModes no",
    "UseDNS no",
    `MaxSessions ${cfg.maxSessions}`,
    "MaxStartups 100:30:200",
    `LogLevel ${cfg.logLevel}`,
    "PrintMotd no",
    "PrintLastLog no",
    "X11Forwarding no",
    "AllowTcpForwarding yes",
    "AllowStreamLocalForwarding yes",
    "Subsystem sftp internal-sftp",
    "",
  ];
  await writeFile(files.configFile, lines.join("\n"));
}

// $1 is the empty file; the rest is the sshd command line. A missing /root/.bashrc needs no mask.
const MASK_BASHRC_THEN_EXEC = 'if [ -e /root/.bashrc ]; then mount --bind "$1" /root/.bashrc || exit 1; fi; shift; exec "$@"';

export async function readPid(pidFile: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(pidFile, "utf8")).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Starts sshd in the foreground (-D) as a child of this process, so this process reaps it.
 * `detached` puts it in its own session, out of reach of the terminal's Ctrl-C (the demo host).
 */
export async function startSshd(namespace: string, files: SshdFiles, detached: boolean): Promise<number> {
  await rm(files.pidFile, { force: true });
  await writeFile(files.emptyBashrcFile, "");
  const child = spawn(
    "ip",
    [
      "netns",
      "exec",
      namespace,
      "unshare",
      "--mount",
      "--propagation",
      "private",
      "sh",
      "-c",
      MASK_BASHRC_THEN_EXEC,
      "sh",
      files.emptyBashrcFile,
      "/usr/sbin/sshd",
      "-D",
      "-f",
      files.configFile,
      "-E",
      files.logFile,
    ],
    { detached, stdio: "ignore" },
  );
  let exited: string | null = null;
  child.on("exit", (code, signal) => {
    exited = `exit ${code ?? signal ?? "?"}`;
  });
  child.on("error", (e) => {
    exited = e.message;
  });
  // A test that forgets stop() must not keep its process alive: the host is then left to
  // cleanupStaleLabHosts(), which recognises it by the dead owner pid.
  child.unref();
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pid = await readPid(files.pidFile);
    if (pid !== null) return pid;
    if (exited !== null || Date.now() > deadline) {
      const log = await readFile(files.logFile, "utf8").catch(() => "");
      throw new Error(`sshd in ${namespace} did not start (${exited ?? "timeout"}): ${log.trim().slice(-2000)}`);
    }
    await sleep(3);
  }
}

/** SIGTERM makes sshd close its listener and remove the PidFile; sessions already open survive. */
export async function stopSshd(files: SshdFiles): Promise<void> {
  const pid = await readPid(files.pidFile);
  if (pid === null || !(await processAlive(pid))) {
    await rm(files.pidFile, { force: true });
    return;
  }
  process.kill(pid, "SIGTERM");
  if (!(await waitForExit([pid], 3000))) {
    process.kill(pid, "SIGKILL");
    await waitForExit([pid], 3000);
  }
  await rm(files.pidFile, { force: true });
}
