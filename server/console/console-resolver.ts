// Where a guest's serial console lives: the host's SSH target and the socket path its kind
// started it with. The path comes from the kind's files() (hypervisors/registry.ts), the
// same function its start plan uses, so the console never looks where the guest did not
// put its socket.
import type { Db } from "../db";
import { LabdeckError } from "../errors";
import { hypervisorFor } from "../hypervisors/registry";
import type { SshTarget } from "../ssh/types";
import type { ConsoleEndpoint } from "./console-hub";

export interface GuestConsoleEndpoint extends ConsoleEndpoint {
  serialLog: string;
}

/** `targetFor` resolves a host's SSH target (services/host-target.ts, passed in by the composition). */
export function guestConsoleResolver(
  db: Db,
  targetFor: (hostId: string) => Promise<SshTarget>,
): (guestId: string) => Promise<GuestConsoleEndpoint> {
  return async (guestId) => {
    const guest = await db.guest.findUnique({ where: { id: guestId }, include: { host: { select: { runDir: true } } } });
    if (guest === null) throw new LabdeckError("NOT_FOUND", "guest not found", { details: { guestId } });
    let files;
    try {
      files = hypervisorFor(guest.hypervisor).files(guest.host.runDir, guest.name);
    } catch {
      throw new LabdeckError("NOT_FOUND", `${guest.hypervisor} guests have no serial socket console here`, { details: { guestId } });
    }
    return { target: await targetFor(guest.hostId), socketPath: files.console.socket, serialLog: files.console.log };
  };
}
