// The console WebSocket endpoint: GET /api/console/<guestId>?ticket=…[&resume=…] upgraded on the
// custom server. Nothing is upgraded until the Origin, the session cookie and a ticket bound to
// that user and that guest have all passed; a refusal is a plain HTTP 400/401/403 on the socket.
//
// Protocol (one WebSocket per viewer). Output is the guest's serial log, so every byte has a
// position: the log file's inode and a byte offset in it.
//   server → client, text frame "stream" { inode, offset, resumed, gap? }: the binary frames
//     that follow are the log's bytes from exactly this position on, contiguous. Sent first
//     (the scrollback starts there), and again only when the stream jumps: the log was rotated
//     at a start (`resumed: true`, nothing lost) or bytes were lost (`gap`: how many, null when
//     not countable). `resumed: true` on the first one means the reconnect resume succeeded.
//   server → client, binary frame: log bytes, unaltered, never interpreted (filtering control
//     sequences that act on the user's machine, OSC 52, is the browser's job).
//   server → client, text frame "boot" { id, inode, offset, at, by, earlier? }: a guest start,
//     sent between the byte before `offset` and the byte at it. `earlier: true`: the boot the
//     scrollback is part of, which began before it. Out of band: no guest output can fake one.
//   server → client, text frame "scrollback-end": what follows arrives as the guest prints it.
//   server → client, text frame "state" { state: connecting|live|guest-not-running|
//     host-unreachable, detail? }: live only while the log follower is current and the serial
//     socket is open; "error" { message }.
//   client → server, binary or text frame: keystrokes, passed to the serial socket as bytes.
//     A read-only session (viewer role) drops them and is told once with an "error" message.
//   Reconnecting: add `resume=<inode>:<offset>[:<last boot id>]`, the position after the last
//     byte shown and the last boot mark shown. The reply starts at exactly that position (no
//     duplicate, no gap) while the server still holds those bytes; otherwise "stream" says
//     where it starts instead and how many bytes were skipped.
// The server pings every 30 s and drops a socket that did not answer the previous ping. A
// client reading too slowly (over 8 MiB unsent) is cut off; it reconnects with a resume.
// Sign-out, a role change or the user's removal closes their sockets at once (4001, after an
// "error" message): keystrokes stop with the session, not when the user next reconnects.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Socket } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import type { Db } from "../db";
import { logger } from "../logger";
import { checkOrigin } from "../auth/origin-check";
import { roleAllows, type Role } from "../../lib/roles";
import { clientAddress, sessionTokenOf, type RequestPolicy } from "../auth/request-security";
import { endedMessage, type SessionEvents } from "../auth/session-events";
import { requestPolicyFromEnv } from "../env";
import type { SshExecutor } from "../ssh/types";
import { ConsoleHub, type ConsoleHubOptions, type ConsoleResolver, type ConsoleState } from "./console-hub";
import type { ResumeRequest } from "./console-stream";
import type { ConsoleTicketStore } from "./console-tickets";

const log = logger.child({ module: "console" });

export const CONSOLE_PATH_PREFIX = "/api/console/";
const GUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;
const RESUME = /^(\d{1,20}):(\d{1,16})(?::([A-Za-z0-9_-]{1,64}))?$/;

export type ConsoleControlMessage =
  | { type: "state"; state: ConsoleState; detail?: string }
  | { type: "stream"; inode: string; offset: number; resumed: boolean; gap?: number | null }
  | { type: "boot"; id: string; inode: string; offset: number; at: string; by: string; earlier?: true }
  | { type: "scrollback-end" }
  | { type: "error"; message: string };

/** Who a session cookie belongs to, or null (services/auth-service.ts sessionUser, passed in by the composition). */
export type ConsoleSessionLookup = (
  db: Db,
  token: string | undefined,
) => Promise<{ sessionId: string; user: { id: string; username: string; role: Role } } | null>;

export interface ConsoleGatewayOptions {
  db: Db;
  sessionUser: ConsoleSessionLookup;
  ssh: SshExecutor;
  resolve: ConsoleResolver;
  /** Origins besides the request's own host that may open consoles (LABDECK_ALLOWED_ORIGINS). */
  allowedOrigins: readonly string[];
  /** The process's ticket store (the runtime's): the tRPC procedure issues, this handler redeems. */
  tickets: ConsoleTicketStore;
  /** Trusted proxies and cookie security; the environment's when absent. */
  policy?: Omit<RequestPolicy, "allowedOrigins">;
  /** The process's ended-session events (the runtime's): a console closes when its session ends. */
  sessionEvents: SessionEvents;
  hub?: Omit<ConsoleHubOptions, "ssh" | "resolve">;
  heartbeatMs?: number;
  maxBufferedBytes?: number;
  maxMessageBytes?: number;
}

export type ConsoleUpgradeHandler = ((req: IncomingMessage, socket: Duplex, head: Buffer) => boolean) & {
  readonly hub: ConsoleHub;
  /** Closes every console socket (1001) and every upstream; for server shutdown. */
  close(): void;
};

/** Same host as the request, or listed. Browsers always send Origin on WebSocket handshakes. */
export function consoleOriginAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  return checkOrigin(origin, host, allowed).ok;
}

export function parseConsoleUrl(
  url: string | undefined,
): { guestId: string; ticket: string | null; resume: ResumeRequest | null } | null | "bad" {
  if (!url?.startsWith(CONSOLE_PATH_PREFIX)) return null;
  if (url.length > 2048) return "bad";
  const u = new URL(url, "http://labdeck.invalid");
  const guestId = u.pathname.slice(CONSOLE_PATH_PREFIX.length);
  if (!GUEST_ID.test(guestId)) return "bad";
  const r = u.searchParams.get("resume");
  let resume: ResumeRequest | null = null;
  if (r !== null) {
    const m = RESUME.exec(r);
    const offset = Number(m?.[2]);
    if (m === null || !Number.isSafeInteger(offset)) return "bad";
    resume = { inode: m[1] as string, offset, lastBootId: m[3] ?? null };
  }
  return { guestId, ticket: u.searchParams.get("ticket"), resume };
}

const STATUS_TEXT: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 500: "Internal Server Error" };

function refuse(socket: Duplex, status: 400 | 401 | 403 | 500, message: string): void {
  if (socket.destroyed) return;
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\n\r\n${body}`,
  );
}

function send(ws: WebSocket, msg: ConsoleControlMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}

export function createConsoleUpgradeHandler(opts: ConsoleGatewayOptions): ConsoleUpgradeHandler {
  const tickets = opts.tickets;
  const hub = new ConsoleHub({ ...opts.hub, ssh: opts.ssh, resolve: opts.resolve });
  const maxBuffered = opts.maxBufferedBytes ?? 8 * 1024 * 1024;
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: opts.maxMessageBytes ?? 1024 * 1024 });
  const alive = new WeakMap<WebSocket, boolean>();
  const policy: RequestPolicy = { ...(opts.policy ?? requestPolicyFromEnv()), allowedOrigins: opts.allowedOrigins };
  const sessions = opts.sessionEvents;

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, opts.heartbeatMs ?? 30_000);
  heartbeat.unref();

  type ServeContext = {
    guestId: string;
    resume: ResumeRequest | null;
    userId: string;
    sessionId: string;
    username: string;
    canWrite: boolean;
    ip: string;
    checkedAt: number;
  };
  const serve = (ws: WebSocket, ctx: ServeContext) => {
    alive.set(ws, true);
    ws.on("pong", () => alive.set(ws, true));
    const opened = Date.now();
    let bytesOut = 0;
    let bytesIn = 0;
    let toldReadOnly = false;
    const session = hub.attach(
      ctx.guestId,
      {
        onState: (state, detail) => send(ws, detail === undefined ? { type: "state", state } : { type: "state", state, detail }),
        onStream: (s) => {
          const msg: ConsoleControlMessage = { type: "stream", inode: s.position.inode, offset: s.position.offset, resumed: s.resumed };
          if (s.gap !== undefined) msg.gap = s.gap;
          send(ws, msg);
        },
        onBoot: (m, earlier) =>
          send(ws, {
            type: "boot",
            id: m.id,
            inode: m.inode,
            offset: m.offset,
            at: m.at,
            by: m.by,
            ...(earlier ? { earlier: true as const } : {}),
          }),
        onScrollbackEnd: () => send(ws, { type: "scrollback-end" }),
        onData: (chunk) => {
          if (ws.readyState !== ws.OPEN) return;
          if (ws.bufferedAmount > maxBuffered) {
            log.warn({ guestId: ctx.guestId, user: ctx.username }, "console client too slow; disconnected");
            ws.terminate();
            return;
          }
          bytesOut += chunk.length;
          ws.send(chunk, { binary: true });
        },
      },
      ctx.resume,
      { userId: ctx.userId, username: ctx.username },
    );
    let ended = false;
    const who = { userId: ctx.userId, sessionId: ctx.sessionId };
    const endSocket = (reason: Parameters<typeof endedMessage>[0]) => {
      if (ended) return;
      ended = true;
      // Detached first: from here nothing this socket sends reaches the guest, even
      // frames already in flight before the client sees the close.
      session.detach();
      send(ws, { type: "error", message: endedMessage(reason) });
      ws.close(4001, "session ended");
      setTimeout(() => ws.terminate(), 1000).unref();
      log.info({ guestId: ctx.guestId, user: ctx.username, reason }, "console closed: session ended");
    };
    const offEnd = sessions.onEnd(who, (e) => endSocket(e.reason));
    const early = sessions.endedSince(who, ctx.checkedAt);
    if (early) endSocket(early.reason);
    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
      if (ended) return;
      if (!ctx.canWrite) {
        if (!toldReadOnly) send(ws, { type: "error", message: "read-only: viewers cannot type" });
        toldReadOnly = true;
        return;
      }
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      bytesIn += buf.length;
      session.write(buf);
    });
    ws.on("error", (err) => log.debug({ guestId: ctx.guestId, err: err.message }, "console socket error"));
    ws.on("close", (code) => {
      offEnd();
      session.detach();
      log.info(
        { guestId: ctx.guestId, user: ctx.username, code, seconds: Math.round((Date.now() - opened) / 1000), bytesOut, bytesIn },
        "console closed",
      );
    });
    log.info({ guestId: ctx.guestId, user: ctx.username, canWrite: ctx.canWrite, ip: ctx.ip }, "console opened");
  };

  const authorize = async (
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    guestId: string,
    ticket: string | null,
    resume: ResumeRequest | null,
  ) => {
    const ip = clientAddress(req, policy);
    if (!consoleOriginAllowed(req.headers.origin, req.headers.host, opts.allowedOrigins)) {
      log.warn({ guestId, ip, origin: req.headers.origin ?? null }, "console refused: cross-site origin");
      refuse(socket, 403, "cross-site console request refused");
      return;
    }
    const checkedAt = Date.now();
    const session = await opts.sessionUser(opts.db, sessionTokenOf(req, policy));
    if (session === null) {
      refuse(socket, 401, "sign in first");
      return;
    }
    const grant = tickets.redeem(ticket, { userId: session.user.id, guestId });
    if (!grant.ok) {
      log.warn({ guestId, user: session.user.username, ip, reason: grant.reason }, "console refused: ticket");
      refuse(socket, 403, `console ticket refused (${grant.reason}); ask for a new one`);
      return;
    }
    if (socket.destroyed) return;
    // The role is checked again here: it may have been lowered since the ticket was issued.
    const canWrite = grant.canWrite && roleAllows(session.user.role, "operator");
    wss.handleUpgrade(req, socket, head, (ws) => {
      (socket as Socket).setNoDelay?.(true);
      serve(ws, {
        guestId,
        resume,
        userId: session.user.id,
        sessionId: session.sessionId,
        username: session.user.username,
        canWrite,
        ip,
        checkedAt,
      });
    });
  };

  const handler = ((req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    const parsed = parseConsoleUrl(req.url);
    if (parsed === null) return false;
    socket.on("error", () => undefined);
    if (parsed === "bad" || req.method !== "GET" || req.headers.upgrade?.toLowerCase() !== "websocket") {
      refuse(socket, 400, "expected a WebSocket upgrade on /api/console/<guestId>");
      return true;
    }
    authorize(req, socket, head, parsed.guestId, parsed.ticket, parsed.resume).catch((err: unknown) => {
      log.error({ err, guestId: parsed.guestId }, "console upgrade failed");
      refuse(socket, 500, "console unavailable");
    });
    return true;
  }) as ConsoleUpgradeHandler;

  Object.defineProperty(handler, "hub", { value: hub });
  handler.close = () => {
    clearInterval(heartbeat);
    for (const ws of wss.clients) ws.close(1001, "server shutting down");
    hub.closeAll();
    wss.close();
  };
  return handler;
}
