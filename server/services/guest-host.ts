import type { Db } from "../db";
import { LabdeckError } from "../errors";
import { effectiveRoots } from "../hosts/host-roots";
import { ZHostCapabilities, type THostCapabilities } from "../hosts/probe/capabilities";
import type { GuestHost, GuestIo } from "../hypervisors/contract";
import { definitionOf } from "../hypervisors/registry";
import type { HostReader } from "../ssh/host-reader";
import type { SshTarget } from "../ssh/types";
import { noteChannelRead, readFromHost, type ReadDeps } from "./host-read";

// What every guest service needs of a guest and its host, read once per request or job:
// the rows, the kind (hypervisors/registry.ts), the parsed definition, the host as the
// kind sees it, and how the kind reaches the host (audited reads, channels to sockets).

type HostRow = {
  id: string;
  name: string;
  address: string;
  runDir: string;
  storageRoots: string;
  probeJson: string | null;
  qemuRunAs: string | null;
};

/** Where images, ISOs and kernels may live on a host; `<runDir>/images` when none are set. */
export function hostRoots(host: { runDir: string; storageRoots: string }): string[] {
  return effectiveRoots(host);
}

/** The host's stored probe, or null when it was never probed or no longer parses. */
export function probeOf(host: { probeJson: string | null }): THostCapabilities | null {
  if (!host.probeJson) return null;
  const caps = ZHostCapabilities.safeParse(JSON.parse(host.probeJson));
  return caps.success ? caps.data : null;
}

/** The host row as a guest kind sees it (hypervisors/contract.ts). */
export function guestHostOf(host: HostRow): GuestHost {
  return {
    id: host.id,
    name: host.name,
    address: host.address,
    runDir: host.runDir,
    roots: hostRoots(host),
    probe: probeOf(host),
    runAs: host.qemuRunAs,
  };
}

/** Reads through readFromHost (audited, or joining the caller's read row), as a HostReader. */
export function hostReaderOf(deps: ReadDeps, hostId: string): HostReader {
  return (s) =>
    readFromHost(deps, hostId, s.argv, {
      purpose: s.purpose,
      ...(s.optional !== undefined ? { optional: s.optional } : {}),
      ...(s.timeoutMs !== undefined ? { timeoutMs: s.timeoutMs } : {}),
    });
}

/** How a kind reaches one host for one request: `target` is built once, from the row already read. */
export function guestIoOf(deps: ReadDeps, hostId: string, target: SshTarget): GuestIo {
  const d = { ...deps, target };
  return {
    read: hostReaderOf(d, hostId),
    async openSocket(path) {
      try {
        return await deps.ssh.openStreamLocal(target, path);
      } catch (err) {
        if (err instanceof LabdeckError && err.code === "NOT_FOUND") return null;
        throw err;
      }
    },
    noteChannel: (o) =>
      noteChannelRead(deps, hostId, {
        argv: o.argv,
        exitStatus: o.ok ? 0 : o.note === undefined ? 1 : null,
        outcome: o.ok ? "ok" : "failed",
        durationMs: o.durationMs,
        output: o.output,
        ...(o.note !== undefined ? { note: o.note } : {}),
      }),
  };
}

/** A guest, its host, its kind and definition, read once: the plan, the checks and the job use these. */
export async function loadGuest(db: Db, id: string) {
  const guest = await db.guest.findUniqueOrThrow({ where: { id }, include: { host: true } });
  const { hv, def } = definitionOf(guest);
  const host = guestHostOf(guest.host);
  return { guest, row: guest.host, hv, def, host, files: hv.files(guest.host.runDir, guest.name) };
}
export type LoadedGuest = Awaited<ReturnType<typeof loadGuest>>;
