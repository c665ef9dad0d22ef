// Where a guest's serial console lives: the host's SSH target and the socket path QEMU was
// started with. The path comes from guestRunFiles, the same function that builds the QEMU
// command line, so the console can never look somewhere the guest did not put its socket.
import type { Db } from "../db";
import { LabdeckError } from "../errors";
import { guestRunFiles } from "../hypervisors/qemu/guest-definition";
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
    if (guest.hypervisor !== "qemu") {
      throw new LabdeckError("NOT_FOUND", `${guest.hypervisor} guests have no serial socket console yet`, { details: { guestId } });
    }
    const files = guestRunFiles(guest.host.runDir, guest.name);
    return { target: await targetFor(guest.hostId), socketPath: files.serialSocket, serialLog: files.serialLog };
  };
}
