// Adopt: finds QEMU processes on a host that Labdeck does not manage. `ps` gives PIDs and
// a lossy, space-joined command line; the exact argv comes from /proc/PID/cmdline (NUL
// separated), read per candidate. What must not break: argv used for import is always the
// NUL-split one; the ps text only selects candidates.
import { importQemuArgv } from "./import-cmdline";
import type { QemuImport } from "./import-defaults";

export const PS_ARGV = ["ps", "-eo", "pid=,args="];

const QEMU_BINARY = /^(?:\S*\/)?(qemu-system-[a-z0-9_]+|qemu-kvm|kvm)$/;

export interface QemuProcessCandidate {
  pid: number;
  /** ps's display form: only for listing, never for parsing options. */
  args: string;
}

export function parsePsQemu(stdout: string): QemuProcessCandidate[] {
  const out: QemuProcessCandidate[] = [];
  for (const line of stdout.split("\n")) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const args = m[2] as string;
    if (QEMU_BINARY.test(args.split(" ")[0] ?? "")) out.push({ pid: Number(m[1]), args });
  }
  return out;
}

export function cmdlineArgv(pid: number): string[] {
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`not a PID: ${pid}`);
  return ["cat", `/proc/${pid}/cmdline`];
}

export function parseProcCmdline(raw: string): string[] {
  return raw
    .replace(/\0$/, "")
    .split("\0")
    .filter((_, i, a) => !(a.length === 1 && a[0] === ""));
}

export interface QemuProcess extends QemuProcessCandidate, QemuImport {
  argv: string[];
  /** Labdeck's own guests have a pidfile under the host's run directory. */
  managed: boolean;
}

export function describeQemuProcess(c: QemuProcessCandidate, cmdline: string, hostRunDir: string): QemuProcess {
  const argv = parseProcCmdline(cmdline);
  const pidfile = argv[argv.indexOf("-pidfile") + 1];
  const managed = argv.includes("-pidfile") && pidfile !== undefined && pidfile.startsWith(`${hostRunDir.replace(/\/$/, "")}/guests/`);
  return { ...c, argv, managed, ...importQemuArgv(argv) };
}
