import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "../db";
import { requestPolicyFromEnv } from "../env";
import { clientAddress, requestIsSecure, sessionTokenOf, type RequestPolicy } from "../auth/request-security";
import { sessionUser, type SessionUser, type SignInGuard } from "../services/auth-service";
import type { Runtime } from "../compose";

export interface Context {
  db: Db;
  /** The process's runtime (server/compose.ts): SSH pool, secret, job runner, shared refreshers. */
  rt: Runtime;
  user: SessionUser | null;
  sessionId: string | null;
  /** The client's address (behind a trusted proxy: the one it reported). */
  ip: string;
  /** The request came over HTTPS: cookies get Secure and the __Host- name. */
  secureCookies: boolean;
  /** When the session was looked up (ms): a sign-out or role change after it ends what this request opens. */
  sessionCheckedAt?: number;
  /** Sign-in backoff state (tests); the runtime's when absent. */
  signInGuard?: SignInGuard;
  /** Set for subscriptions (server/api/trpc.ts): aborted when this session ends. */
  sessionEnded?: AbortSignal;
  setCookie(cookie: string): void;
}

export async function createContext(
  { req, res }: { req: IncomingMessage; res: ServerResponse },
  rt: Runtime,
  policy: RequestPolicy = requestPolicyFromEnv(),
  signInGuard?: SignInGuard,
): Promise<Context> {
  const sessionCheckedAt = Date.now();
  const session = await sessionUser(rt.db, sessionTokenOf(req, policy));
  return {
    db: rt.db,
    rt,
    user: session?.user ?? null,
    sessionId: session?.sessionId ?? null,
    ip: clientAddress(req, policy),
    secureCookies: requestIsSecure(req, policy),
    sessionCheckedAt,
    ...(signInGuard ? { signInGuard } : {}),
    setCookie(cookie) {
      const prev = res.getHeader("Set-Cookie");
      const list = Array.isArray(prev) ? prev : prev ? [String(prev)] : [];
      res.setHeader("Set-Cookie", [...list, cookie]);
    },
  };
}
