// A real Debian host with its own kernel for tests that need what a network namespace
// cannot give (device-mapper, LVM, filesystems on block devices): the cached image of
// image.ts booted under QEMU/TCG from a throwaway qcow2 overlay, with empty raw disks for
// LVM, reachable over SSH on a forwarded 127.0.0.1 port with a pinned host key. What must
// not break: the cached base image is never written (only overlays are), and stop()
// leaves no QEMU process and no run directory behind.
import { mkdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SshTarget } from "../../server/ssh/types";
import { SshPool } from "../../server/ssh/pool";
import { processAlive } from "../lab-host/netns";
import { runOk, sleep } from "../lab-host/run";
import { ensureLabVmImage, type LabVmImage } from "./image";
import { startQemu, stopQemu, qmpCommand, type QemuDisk, type QemuSpec } from "./qemu";
import { ROOT_LABEL, RUN_DIR } from "./recipe";

export const DEFAULT_LAB_VM_BASE_DIR = "/tmp/labdeck-vm";
export const LVM_DISK_SERIAL = "labdeck-lvm";
const NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;
const SERIAL_PATTERN = /^[A-Za-z0-9_-]{1,20}$/;
// quiet: every kernel line is emulated UART output under TCG (about 4 s of boot);
// errors still reach the serial log.
const KERNEL_APPEND = `root=LABEL=${ROOT_LABEL} rw console=ttyS0 quiet`;

export interface LabVmDiskSpec {
  /** Seen in the guest as /dev/disk/by-id/virtio-<serial>. */
  serial: string;
  sizeBytes: number;
}

export interface StartLabVmOptions {
  /** Lowercase letters, digits and dashes; default "vm<pid>-<n>". */
  name?: string;
  /** Parent of the VM's run directory; default /tmp/labdeck-vm. */
  baseDir?: string;
  /** Size of the empty disk with serial "labdeck-lvm"; default 2 GiB (sparse). */
  lvmDiskBytes?: number;
  /** More empty raw disks after the LVM one, in this order. */
  extraDisks?: readonly LabVmDiskSpec[];
  memoryMiB?: number;
  cpus?: number;
  /** From QEMU start to the first successful SSH command; default 240 s (TCG is slow). */
  bootTimeoutMs?: number;
  /** Keep it running after this process exits (the CLI); cleanupStaleLabVms skips it. */
  detached?: boolean;
  cacheRoot?: string;
  log?: (line: string) => void;
}

export interface LabVmState {
  name: string;
  address: "127.0.0.1";
  port: number;
  username: "root";
  dir: string;
  runDir: string;
  serialLog: string;
  qmpSocket: string;
  qemuPid: number;
  privateKeyFile: string;
  hostKeyFingerprint: string;
  imageKey: string;
  disks: { serial: string; file: string; sizeBytes: number }[];
  ownerPid: number;
  detached: boolean;
  bootMs: number;
}

export interface LabVm extends LabVmState {
  privateKey: string;
  publicKey: string;
  /** An SshTarget for SshPool, pinned to the image's host key. */
  target(overrides?: Partial<SshTarget>): SshTarget;
  /** One QMP command (query-status, system_powerdown...) on the VM's socket. */
  qmp(command: string, args?: Record<string, unknown>): Promise<unknown>;
  serialOutput(): Promise<string>;
  /** QEMU gone, run directory removed. graceful: ACPI power-off first (slower). */
  stop(opts?: { graceful?: boolean }): Promise<void>;
}

let started = 0;

export function labVmTarget(vm: LabVmState & { privateKey: string }, overrides: Partial<SshTarget> = {}): SshTarget {
  return {
    hostId: `labvm-${vm.name}`,
    name: vm.name,
    address: vm.address,
    port: vm.port,
    username: vm.username,
    privateKey: vm.privateKey,
    pinnedFingerprint: vm.hostKeyFingerprint,
    ...overrides,
  };
}

export function attachLabVm(state: LabVmState, keys: { privateKey: string; publicKey: string }): LabVm {
  const vm: LabVm = {
    ...state,
    ...keys,
    target: (overrides) => labVmTarget(vm, overrides),
    qmp: (command, args) => qmpCommand(state.qmpSocket, command, args),
    serialOutput: () => readFile(state.serialLog, "utf8").catch(() => ""),
    async stop(opts = {}) {
      await stopQemu(state.qemuPid, state.qmpSocket, opts.graceful ?? false);
      await rm(state.dir, { recursive: true, force: true });
    },
  };
  return vm;
}

/** Rebuilds a LabVm from its run directory, e.g. for `cli.ts stop` in another process. */
export async function loadLabVm(dir: string): Promise<LabVm> {
  const state = JSON.parse(await readFile(path.join(dir, "state.json"), "utf8")) as LabVmState;
  const [privateKey, publicKey] = await Promise.all([
    readFile(state.privateKeyFile, "utf8"),
    readFile(`${state.privateKeyFile}.pub`, "utf8"),
  ]);
  return attachLabVm(state, { privateKey, publicKey: publicKey.trim() });
}

function diskSpecs(opts: StartLabVmOptions): LabVmDiskSpec[] {
  const specs = [{ serial: LVM_DISK_SERIAL, sizeBytes: opts.lvmDiskBytes ?? 2 * 2 ** 30 }, ...(opts.extraDisks ?? [])];
  const seen = new Set<string>();
  for (const d of specs) {
    if (!SERIAL_PATTERN.test(d.serial)) throw new Error(`lab VM disk serial must match ${SERIAL_PATTERN}: ${d.serial}`);
    if (seen.has(d.serial)) throw new Error(`lab VM disk serial used twice: ${d.serial}`);
    if (!Number.isInteger(d.sizeBytes) || d.sizeBytes < 2 ** 20)
      throw new Error(`lab VM disk ${d.serial}: size must be whole bytes, at least 1 MiB`);
    seen.add(d.serial);
  }
  return specs;
}

/**
 * Polls until an SSH command succeeds. Before sshd listens, QEMU's forward still accepts
 * the TCP connection and then closes it (or stays silent while the guest kernel boots),
 * so each try gets a short handshake timeout and a fresh connection.
 */
async function waitForSsh(vm: LabVm, deadline: number): Promise<void> {
  const pool = new SshPool({ readyTimeoutMs: 5000 });
  let last = "no attempt";
  try {
    for (;;) {
      if (!(await processAlive(vm.qemuPid))) {
        throw new Error(`QEMU exited while the VM booted; serial log tail:\n${(await vm.serialOutput()).slice(-3000)}`);
      }
      try {
        const r = await pool.exec(vm.target(), ["true"], { timeoutMs: 10_000 });
        if (r.outcome === "exited" && r.exitStatus === 0) return;
        last = `${r.outcome} ${r.exitStatus ?? ""} ${r.stderr}`;
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
        // A pinned-key mismatch will not fix itself by waiting.
        if (e instanceof Error && "code" in e && e.code === "HOST_KEY_MISMATCH") throw e;
      }
      pool.drop(vm.target().hostId);
      if (Date.now() > deadline) {
        throw new Error(
          `lab VM ${vm.name}: no SSH within the boot timeout (last: ${last}); serial log tail:\n${(await vm.serialOutput()).slice(-3000)}`,
        );
      }
      await sleep(1000);
    }
  } finally {
    await pool.closeAll();
  }
}

async function prepareRunDir(dir: string, image: LabVmImage, disks: readonly LabVmDiskSpec[]) {
  await mkdir(path.dirname(dir), { recursive: true });
  // Not recursive for the leaf: a name already in use fails here instead of sharing files.
  await mkdir(dir);
  const overlay = path.join(dir, "root.qcow2");
  await runOk(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", image.disk, overlay]);
  const files: LabVmState["disks"] = [];
  for (const d of disks) {
    const file = path.join(dir, `disk-${d.serial}.raw`);
    await writeFile(file, "");
    await truncate(file, d.sizeBytes);
    files.push({ serial: d.serial, file, sizeBytes: d.sizeBytes });
  }
  return { overlay, disks: files };
}

/** Boots a lab VM (building the image first if needed) and resolves once SSH answers. */
export async function startLabVm(opts: StartLabVmOptions = {}): Promise<LabVm> {
  checkLabVmOptions(opts);
  const image = await ensureLabVmImage({ cacheRoot: opts.cacheRoot, log: opts.log });
  return bootLabVm(image, { kernel: image.kernel, initrd: image.initrd, append: KERNEL_APPEND, memoryMiB: opts.memoryMiB ?? 1024 }, opts);
}

/** How a variant boots its image: the LVM VM boots Linux directly, the Xen one the hypervisor. */
export interface LabVmBoot {
  kernel: string;
  initrd: QemuSpec["initrd"];
  append: string;
  memoryMiB: number;
  cpu?: string;
}

/** Refuses a bad name or disk list before any image is built. */
export function checkLabVmOptions(opts: StartLabVmOptions): void {
  if (opts.name !== undefined && !NAME_PATTERN.test(opts.name)) {
    throw new Error(`lab VM name must match ${NAME_PATTERN}: ${JSON.stringify(opts.name)}`);
  }
  diskSpecs(opts);
}

/** Boots a built image of any variant from a fresh overlay and resolves once SSH answers. */
export async function bootLabVm(image: LabVmImage, boot: LabVmBoot, opts: StartLabVmOptions): Promise<LabVm> {
  const disks = diskSpecs(opts);
  const name = opts.name ?? `vm${process.pid}-${++started}`;
  const dir = path.resolve(opts.baseDir ?? DEFAULT_LAB_VM_BASE_DIR, name);
  const prepared = await prepareRunDir(dir, image, disks);
  let qemuPid: number | null = null;
  try {
    const qemuDisks: QemuDisk[] = [
      { file: prepared.overlay, format: "qcow2" },
      ...prepared.disks.map((d): QemuDisk => ({ file: d.file, format: "raw", serial: d.serial })),
    ];
    const files = {
      qmpSocket: path.join(dir, "qmp.sock"),
      serialLog: path.join(dir, "serial.log"),
      pidFile: path.join(dir, "qemu.pid"),
    };
    const bootStarted = Date.now();
    const { sshPort } = await startQemu({
      name,
      kernel: boot.kernel,
      initrd: boot.initrd,
      append: boot.append,
      ...(boot.cpu === undefined ? {} : { cpu: boot.cpu }),
      disks: qemuDisks,
      memoryMiB: boot.memoryMiB,
      cpus: opts.cpus ?? 2,
      ...files,
    });
    qemuPid = Number((await readFile(files.pidFile, "utf8")).trim());
    const [privateKey, publicKey] = await Promise.all([readFile(image.privateKeyFile, "utf8"), readFile(image.publicKeyFile, "utf8")]);
    const state: LabVmState = {
      name,
      address: "127.0.0.1",
      port: sshPort,
      username: "root",
      dir,
      runDir: RUN_DIR,
      serialLog: files.serialLog,
      qmpSocket: files.qmpSocket,
      qemuPid,
      privateKeyFile: image.privateKeyFile,
      hostKeyFingerprint: image.hostKeyFingerprint,
      imageKey: image.key,
      disks: prepared.disks,
      ownerPid: process.pid,
      detached: opts.detached ?? false,
      bootMs: 0,
    };
    // Written before the wait, so a crashed test still leaves enough for cleanup to find.
    await writeFile(path.join(dir, "state.json"), JSON.stringify(state, null, 2));
    const vm = attachLabVm(state, { privateKey, publicKey: publicKey.trim() });
    opts.log?.(`lab VM ${name}: QEMU pid ${qemuPid}, SSH on 127.0.0.1:${sshPort}; waiting for sshd`);
    await waitForSsh(vm, bootStarted + (opts.bootTimeoutMs ?? 240_000));
    vm.bootMs = state.bootMs = Date.now() - bootStarted;
    await writeFile(path.join(dir, "state.json"), JSON.stringify(state, null, 2));
    return vm;
  } catch (e) {
    if (qemuPid !== null) await stopQemu(qemuPid, path.join(dir, "qmp.sock"), false).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
