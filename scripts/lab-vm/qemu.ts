// The QEMU process of one lab VM: its command line, a free port for the SSH forward, QMP
// over the local socket, and a stop that always ends with the process gone. QEMU runs
// daemonized, so it outlives the process that started it: whoever starts one must stop it
// (or leave it to cleanupStaleLabVms, which finds it by its dead owner pid).
import { createServer, connect as netConnect } from "node:net";
import { connectQmp } from "../../server/hypervisors/qemu/qmp";
import { processAlive, waitForExit } from "../lab-host/netns";
import { run } from "../lab-host/run";

export interface QemuDisk {
  file: string;
  format: "qcow2" | "raw";
  /** virtio-blk serial: the guest sees /dev/disk/by-id/virtio-<serial>. At most 20 chars. */
  serial?: string;
}

/** A multiboot module (Xen's dom0 kernel, its initrd): QEMU passes "file cmdline" to the loader. */
export interface MultibootModule {
  file: string;
  cmdline?: string;
}

export interface QemuSpec {
  name: string;
  kernel: string;
  /** A Linux initrd, or the modules after a multiboot kernel such as Xen. */
  initrd: string | readonly MultibootModule[];
  /** -cpu; default "max" (the Xen dom0 needs "max,-smap" under TCG, LAB-HOSTS.md). */
  cpu?: string;
  append: string;
  disks: readonly QemuDisk[];
  memoryMiB: number;
  cpus: number;
  sshPort: number;
  qmpSocket: string;
  serialLog: string;
  pidFile: string;
}

/** -initrd for multiboot: modules joined by commas, so neither a path nor a cmdline may hold one. */
export function multibootInitrd(modules: readonly MultibootModule[]): string {
  for (const m of modules) {
    if (m.file.includes(",") || m.file.includes(" ")) throw new Error(`multiboot module path must not contain a comma or space: ${m.file}`);
    if (m.cmdline?.includes(",")) throw new Error(`multiboot module cmdline must not contain a comma: ${m.cmdline}`);
  }
  return modules.map((m) => (m.cmdline === undefined || m.cmdline === "" ? m.file : `${m.file} ${m.cmdline}`)).join(",");
}

export function qemuArgv(spec: QemuSpec): string[] {
  const initrd = typeof spec.initrd === "string" ? spec.initrd : multibootInitrd(spec.initrd);
  // QEMU's option syntax splits on commas ("file=a,b" is two options): refuse, never escape.
  const initrdFiles = typeof spec.initrd === "string" ? [spec.initrd] : [];
  for (const p of [spec.kernel, ...initrdFiles, spec.qmpSocket, spec.serialLog, spec.pidFile, ...spec.disks.map((d) => d.file)]) {
    if (p.includes(",")) throw new Error(`lab VM path must not contain a comma: ${p}`);
  }
  // cache=unsafe: every disk is thrown away with the VM, so host flushes buy nothing.
  const drives = spec.disks.flatMap((d, i) => [
    "-drive",
    `file=${d.file},if=none,id=disk${i},format=${d.format},cache=unsafe,discard=unmap`,
    "-device",
    `virtio-blk-pci,drive=disk${i}${d.serial === undefined ? "" : `,serial=${d.serial}`}`,
  ]);
  return [
    "qemu-system-x86_64",
    "-name",
    `labdeck-${spec.name}`,
    // KVM here is PVM and stalls a stock kernel (LAB-HOSTS.md); -cpu max lets the guest
    // see SVM, so /dev/kvm exists inside for nested tests.
    "-accel",
    "tcg,thread=multi",
    "-cpu",
    spec.cpu ?? "max",
    "-smp",
    String(spec.cpus),
    "-m",
    String(spec.memoryMiB),
    "-nodefaults",
    "-display",
    "none",
    "-kernel",
    spec.kernel,
    "-initrd",
    initrd,
    "-append",
    spec.append,
    ...drives,
    // restrict=on: the VM reaches nothing outside, only the forwarded port reaches it.
    "-netdev",
    `user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:${spec.sshPort}-:22`,
    "-device",
    "virtio-net-pci,netdev=net0",
    "-qmp",
    `unix:${spec.qmpSocket},server=on,wait=off`,
    "-serial",
    `file:${spec.serialLog}`,
    "-pidfile",
    spec.pidFile,
    "-daemonize",
  ];
}

/** A port free on 127.0.0.1 right now; QEMU may still lose a race for it (startQemu retries). */
export function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error("no port from the kernel"))));
    });
  });
}

/**
 * Starts QEMU daemonized: with -daemonize the launching process exits only once devices and
 * the host forward are set up, so a bad disk or a taken port is an error here, not later.
 */
export async function startQemu(spec: Omit<QemuSpec, "sshPort">): Promise<{ sshPort: number }> {
  for (let attempt = 1; ; attempt++) {
    const sshPort = await freeLocalPort();
    const r = await run(qemuArgv({ ...spec, sshPort }), { timeoutMs: 60_000 });
    if (r.code === 0) return { sshPort };
    const why = r.stderr.trim() || `exit ${r.code ?? r.signal}`;
    if (attempt < 5 && /host forwarding rule/i.test(why)) continue;
    throw new Error(`qemu-system-x86_64 for lab VM ${spec.name} did not start: ${why}`);
  }
}

/** One QMP command on the VM's socket, connection opened and closed around it. */
export async function qmpCommand(socket: string, command: string, args?: Record<string, unknown>): Promise<unknown> {
  const stream = netConnect(socket);
  await new Promise<void>((resolve, reject) => {
    stream.once("connect", resolve);
    stream.once("error", reject);
  });
  const client = await connectQmp(stream, { timeoutMs: 5000 });
  try {
    return await client.execute(command, args, { timeoutMs: 5000 });
  } finally {
    client.close();
  }
}

/**
 * Graceful: ACPI power button and up to 30 s for the guest to power off (needs dbus in the
 * guest, LAB-HOSTS.md). Otherwise, or after that: QMP quit, then SIGKILL. Resolves only when
 * the process is gone.
 */
export async function stopQemu(pid: number, qmpSocket: string, graceful: boolean): Promise<void> {
  if (!(await processAlive(pid))) return;
  if (graceful) {
    const asked = await qmpCommand(qmpSocket, "system_powerdown").then(
      () => true,
      () => false,
    );
    if (asked && (await waitForExit([pid], 30_000))) return;
  }
  // "quit" may lose its answer when QEMU exits first; the wait below is what counts.
  await qmpCommand(qmpSocket, "quit").catch(() => undefined);
  if (await waitForExit([pid], 5000)) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    return;
  }
  if (!(await waitForExit([pid], 5000))) throw new Error(`QEMU pid ${pid} survived SIGKILL`);
}
