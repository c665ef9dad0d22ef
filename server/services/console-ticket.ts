import type { Db } from "../db";
import type { Actor } from "../audit/audit-writer";
import { LabdeckError } from "../errors";
import { roleAllows, type Role } from "../../lib/roles";
import { CONSOLE_PATH_PREFIX, type ConsoleTicketStore } from "../console";

// A single-use ticket for a guest's console WebSocket: the page asks over tRPC (which
// checked the session), then opens the socket with the ticket in its URL. Viewers get a
// read-only ticket; the gateway enforces it on every keystroke.

export async function issueConsoleTicket(deps: { db: Db; tickets: ConsoleTicketStore; actor: Actor; role: Role }, input: { id: string }) {
  const userId = deps.actor.userId;
  if (userId === null) throw new LabdeckError("UNAUTHENTICATED", "a console ticket is for a signed-in user");
  await deps.db.guest.findUniqueOrThrow({ where: { id: input.id } });
  const canWrite = roleAllows(deps.role, "operator");
  const { ticket, expiresAt } = deps.tickets.issue({ userId, guestId: input.id, canWrite });
  return {
    ticket,
    expiresAt,
    canWrite,
    path: `${CONSOLE_PATH_PREFIX}${encodeURIComponent(input.id)}?ticket=${encodeURIComponent(ticket)}`,
  };
}
