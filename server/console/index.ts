// The console's face to the rest of the server: the upgrade handler main.ts plugs into the
// HTTP server, and ticket issuing for the tRPC procedure. One handler per process.
import { db } from "../db";
import { runtime } from "../services/runtime";
import { createConsoleUpgradeHandler, type ConsoleUpgradeHandler } from "./console-gateway";
import { guestConsoleResolver } from "./console-resolver";
import { auditRead } from "../audit/audit-writer";

export { issueConsoleTicket, redeemConsoleTicket, CONSOLE_TICKET_TTL_MS } from "./console-tickets";
export { createConsoleUpgradeHandler, CONSOLE_PATH_PREFIX, type ConsoleControlMessage, type ConsoleUpgradeHandler } from "./console-gateway";
export { CONSOLE_STATES, type ConsoleState } from "./console-hub";
export { guestConsoleResolver } from "./console-resolver";

const g = globalThis as unknown as { labdeckConsoleUpgrade?: ConsoleUpgradeHandler };

/** The process-wide console upgrade handler: returns true when it took the request. */
export function consoleUpgrade(allowedOrigins: readonly string[]): ConsoleUpgradeHandler {
  if (!g.labdeckConsoleUpgrade) {
    const rt = runtime();
    const resolve = guestConsoleResolver(db, rt.secret);
    g.labdeckConsoleUpgrade = createConsoleUpgradeHandler({
      db,
      ssh: rt.ssh,
      resolve,
      allowedOrigins,
      hub: {
        boots: rt.boots,
        // The follower runs for as long as someone watches: its row is written when it starts.
        auditFollow: ({ target, argv, actor }) =>
          auditRead(db, actor, {
            hostId: target.hostId,
            hostName: target.name,
            action: "console.follow",
            commands: [{ argv, purpose: "Follow the guest's serial log for its console", exitStatus: null, outcome: "ok", durationMs: 0, output: "" }],
          }),
      },
    });
  }
  return g.labdeckConsoleUpgrade;
}
