import type { IncomingMessage, ServerResponse } from "node:http";
import { db, type Db } from "../db";
import { env } from "../env";
import { SESSION_COOKIE, readCookie } from "../auth/session-token";
import { sessionUser, type SessionUser } from "../services/auth-service";

export interface Context {
  db: Db;
  user: SessionUser | null;
  sessionId: string | null;
  ip: string;
  /** The request came over loopback with no proxy header: someone on the Labdeck machine. */
  isLocal: boolean;
  secureCookies: boolean;
  setCookie(cookie: string): void;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

export async function createContext({ req, res }: { req: IncomingMessage; res: ServerResponse }): Promise<Context> {
  const ip = req.socket.remoteAddress ?? "";
  const proxied = req.headers["x-forwarded-for"] !== undefined || req.headers["forwarded"] !== undefined;
  const session = await sessionUser(db, readCookie(req.headers.cookie, SESSION_COOKIE));
  return {
    db,
    user: session?.user ?? null,
    sessionId: session?.sessionId ?? null,
    ip,
    isLocal: LOOPBACK.has(ip) && !proxied,
    secureCookies: env().LABDECK_INSECURE_COOKIES === "0",
    setCookie(cookie) {
      const prev = res.getHeader("Set-Cookie");
      const list = Array.isArray(prev) ? prev : prev ? [String(prev)] : [];
      res.setHeader("Set-Cookie", [...list, cookie]);
    },
  };
}
