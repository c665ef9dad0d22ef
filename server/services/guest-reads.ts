import type { Db } from "../db";
import type { Actor } from "../audit/audit-writer";
import { DEFAULT_HYPERVISOR } from "../../lib/guest-states";
import { hypervisorFor } from "../hypervisors/registry";
import { readSerialLogPage, searchSerialLog } from "../console/serial-log-reader";
import type { ExecOptions, SshExecutor, SshTarget } from "../ssh/types";
import { readFromHost, withHostRead, type HostReadBatch } from "./host-read";
import { targetOfHost } from "./host-target";
import { guestHostOf, hostReaderOf } from "./guest-host";

// Reads about guests that the pages ask for on demand: the serial log's history, its
// search, and the guests on a host that Labdeck does not manage (by each kind's scan). Each is one
// person's read: one audit row (withHostRead) with its commands inside.

/** Processes looked at per scan: a host running (or pretending to run) thousands costs a bounded number of reads. */
const MAX_UNMANAGED_CANDIDATES = 64;

export interface GuestReadDeps {
  db: Db;
  ssh: SshExecutor;
  secret: Buffer;
  actor: Actor;
  batch?: HostReadBatch | undefined;
  target?: SshTarget | undefined;
}

/** An executor whose exec goes through readFromHost (audited), for modules written against SshExecutor. */
function auditedExecutor(deps: GuestReadDeps, hostId: string): SshExecutor {
  return {
    ...deps.ssh,
    exec: (_target: SshTarget, argv: readonly string[], opts?: ExecOptions) => readFromHost(deps, hostId, [...argv], opts?.timeoutMs),
  };
}

/** Runs `body` against the guest's serial log as one audited read of its host. */
async function withSerialLog<T>(
  deps: GuestReadDeps,
  guestId: string,
  action: string,
  body: (at: { ssh: SshExecutor; target: SshTarget; path: string }) => Promise<T>,
): Promise<T> {
  const guest = await deps.db.guest.findUniqueOrThrow({ where: { id: guestId }, include: { host: true } });
  const files = hypervisorFor(guest.hypervisor).files(guest.host.runDir, guest.name);
  const target = targetOfHost(deps.secret, guest.host);
  return withHostRead(deps, { hostId: guest.hostId, action }, (d) =>
    body({ ssh: auditedExecutor({ ...d, target }, guest.hostId), target, path: files.console.log }),
  );
}

export async function serialLogPage(deps: GuestReadDeps, input: { id: string; before?: number | undefined }) {
  return withSerialLog(deps, input.id, "guest.serial-log", (at) => readSerialLogPage({ ...at, before: input.before }));
}

export async function serialLogSearch(deps: GuestReadDeps, input: { id: string; term: string }) {
  return withSerialLog(deps, input.id, "guest.serial-search", (at) => searchSerialLog({ ...at, term: input.term }));
}

/** Guests of a kind (QEMU unless named) running on the host that no inventory row manages. */
export async function unmanagedGuests(deps: GuestReadDeps, input: { hostId: string; hypervisor?: string | undefined }) {
  const hv = hypervisorFor(input.hypervisor ?? DEFAULT_HYPERVISOR);
  const host = await deps.db.host.findUniqueOrThrow({ where: { id: input.hostId } });
  return withHostRead(deps, { hostId: host.id, action: "guest.unmanaged-scan" }, (d) =>
    hv.scanUnmanaged(hostReaderOf(d, host.id), guestHostOf(host), MAX_UNMANAGED_CANDIDATES),
  );
}
