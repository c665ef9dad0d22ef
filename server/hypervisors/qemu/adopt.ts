// QEMU processes on a host that Labdeck does not manage, read back as definitions the
// user may adopt. Any user's processes count, so the list is capped: a host running (or
// pretending to run) thousands of QEMUs costs a bounded number of reads. Every byte read
// (the process list, each command line) is hostile and only parsed, never run.
import { mapLimit, READ_PARALLELISM } from "../../concurrency";
import type { HostReader } from "../../ssh/host-reader";
import type { GuestHost } from "../contract";
import { cmdlineArgv, describeQemuProcess, parsePsQemu, PS_ARGV, type QemuProcess } from "./process-list";

export async function scanUnmanagedQemu(read: HostReader, host: Pick<GuestHost, "runDir">, limit: number): Promise<QemuProcess[]> {
  const ps = await read({ argv: PS_ARGV, purpose: "list the host's QEMU processes" });
  const candidates = parsePsQemu(ps.stdout).slice(0, limit);
  const procs = await mapLimit(candidates, READ_PARALLELISM, async (candidate) => {
    const cmd = await read({ argv: cmdlineArgv(candidate.pid), purpose: `the command line of process ${candidate.pid}` });
    if (cmd.exitStatus !== 0) return null; // exited between ps and now
    return describeQemuProcess(candidate, cmd.stdout, host.runDir);
  });
  return procs.filter((p): p is QemuProcess => p !== null && !p.managed);
}
