// The console's face to the rest of the server: the upgrade handler (built once per process
// by server/compose.ts, createConsoleUpgrade) and ticket issuing for the tRPC procedure.

export { ConsoleTicketStore, CONSOLE_TICKET_TTL_MS } from "./console-tickets";
export {
  createConsoleUpgradeHandler,
  CONSOLE_PATH_PREFIX,
  type ConsoleControlMessage,
  type ConsoleUpgradeHandler,
} from "./console-gateway";
export { CONSOLE_STATES, type ConsoleState } from "./console-hub";
export { guestConsoleResolver } from "./console-resolver";
