import type { Db } from "../db";
import { auditEvent } from "../audit/audit-writer";
import { FailedSignInAudit } from "../audit/failed-sign-in-audit";
import { LabdeckError } from "../errors";
import { hashPassword, verifyPassword } from "../auth/password";
import { parseRole, type Role } from "../../lib/roles";
import type { SessionEndReason, SessionEvents } from "../auth/session-events";
import { checkSetupToken, consumeSetupToken } from "../auth/setup-token";
import { SESSION_TTL_MS, clearedSessionCookie, newSessionToken, sessionCookie, sessionIdFromToken } from "../auth/session-token";
import { SignInThrottle } from "../auth/sign-in-throttle";

// Sign-in, sessions and the first admin. A failed sign-in says the same thing whether
// the user exists or not, and costs the same (a dummy hash is verified). A throttled one
// is refused before any hash is computed, and all failures are audited in aggregate.

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
}

/** How the first admin proves the right to exist: the setup token (web) or a shell on the machine (CLI). */
export type FirstAdminProof = { via: "token"; token: string | undefined } | { via: "cli" };

export interface SignInGuard {
  throttle: SignInThrottle;
  failures: FailedSignInAudit;
}

/** A fresh guard; the runtime holds the process's one (backoff state is per process, like sessions' in-memory events). */
export function createSignInGuard(): SignInGuard {
  return { throttle: new SignInThrottle(), failures: new FailedSignInAudit() };
}

let dummyHash: Promise<string> | null = null;

export async function userCount(db: Db): Promise<number> {
  return db.user.count();
}

export async function createFirstAdmin(
  db: Db,
  input: { username: string; password: string; proof: FirstAdminProof; ip?: string | undefined },
): Promise<SessionUser> {
  if (input.proof.via === "token" && !checkSetupToken(input.proof.token)) {
    throw new LabdeckError(
      "FORBIDDEN",
      "token: the setup token is missing or wrong; it is printed in the server log at start and kept in <data dir>/setup-token",
      { field: "token" },
    );
  }
  const passwordHash = await hashPassword(input.password);
  // The count check and the insert share one transaction so two racing requests cannot both win.
  const user = await db.$transaction(async (tx) => {
    if ((await tx.user.count()) > 0) throw new LabdeckError("CONFLICT", "an admin already exists; sign in instead");
    return tx.user.create({ data: { username: input.username, passwordHash, role: "admin" } });
  });
  consumeSetupToken();
  await auditEvent(
    db,
    { userId: user.id, username: user.username, ip: input.ip },
    { kind: "auth", action: "user.create-first-admin", details: { username: user.username, via: input.proof.via } },
  );
  return { id: user.id, username: user.username, role: "admin" };
}

/** A new session for a user who has just proved who they are. */
export async function startSession(db: Db, user: SessionUser, ip: string | undefined): Promise<{ token: string; user: SessionUser }> {
  const token = newSessionToken();
  await db.session.create({ data: { id: sessionIdFromToken(token), userId: user.id, expiresAt: new Date(Date.now() + SESSION_TTL_MS) } });
  await auditEvent(db, { userId: user.id, username: user.username, ip }, { kind: "auth", action: "sign-in" });
  return { token, user };
}

export async function signIn(
  db: Db,
  input: { username: string; password: string; ip: string },
  guard: SignInGuard,
): Promise<{ token: string; user: SessionUser }> {
  const gate = guard.throttle.begin({ username: input.username, ip: input.ip });
  if (!gate.ok) {
    await guard.failures.record(db, { username: input.username, ip: input.ip, outcome: "throttled" });
    const who = gate.scope === "user" ? "this user" : "your address";
    throw new LabdeckError("RATE_LIMITED", `too many failed sign-ins for ${who}; try again in ${gate.retryAfterSeconds} s`, {
      details: { retryAfterSeconds: gate.retryAfterSeconds, scope: gate.scope },
    });
  }
  let user: Awaited<ReturnType<typeof db.user.findUnique>> = null;
  let ok = false;
  try {
    user = await db.user.findUnique({ where: { username: input.username } });
    ok = user
      ? await verifyPassword(user.passwordHash, input.password)
      : await verifyPassword(await (dummyHash ??= hashPassword("not-a-password")), input.password);
  } finally {
    if (ok) gate.attempt.succeeded();
    else gate.attempt.failed();
  }
  if (!user || !ok) {
    await guard.failures.record(db, { username: input.username, ip: input.ip, outcome: "failed" });
    throw new LabdeckError("UNAUTHENTICATED", "wrong user name or password");
  }
  return startSession(db, { id: user.id, username: user.username, role: parseRole(user.role) }, input.ip);
}

/** The Set-Cookie value that carries a new session to the browser (Secure and __Host- over HTTPS). */
export function sessionSetCookie(token: string, secure: boolean): string {
  return sessionCookie(token, { secure, maxAgeMs: SESSION_TTL_MS });
}

/** The Set-Cookie value that removes the session cookie on sign-out. */
export function signedOutCookie(secure: boolean): string {
  return clearedSessionCookie(secure);
}

export async function sessionUser(db: Db, token: string | undefined): Promise<{ sessionId: string; user: SessionUser } | null> {
  if (!token) return null;
  const id = sessionIdFromToken(token);
  const session = await db.session.findUnique({ where: { id }, include: { user: true } });
  if (!session) return null;
  if (session.expiresAt.getTime() < Date.now()) {
    await db.session.delete({ where: { id } }).catch(() => undefined);
    return null;
  }
  return { sessionId: id, user: { id: session.user.id, username: session.user.username, role: parseRole(session.user.role) } };
}

/**
 * Ends every session of a user (role change, removal): the rows go first, so no request
 * can authenticate with them any more, then open consoles and subscriptions are closed.
 */
export async function endUserSessions(d: SessionDeps, userId: string, reason: Exclude<SessionEndReason, "signed-out">): Promise<void> {
  await d.db.session.deleteMany({ where: { userId } });
  d.sessions.end({ userId, reason });
}

/** What ending a session needs: the rows, and the process's events that close what it opened. */
export interface SessionDeps {
  db: Db;
  sessions: SessionEvents;
}

export async function signOut(d: SessionDeps, input: { sessionId: string; user: SessionUser; ip?: string | undefined }): Promise<void> {
  const { db } = d;
  await db.session.deleteMany({ where: { id: input.sessionId } });
  d.sessions.end({ userId: input.user.id, sessionId: input.sessionId, reason: "signed-out" });
  await auditEvent(db, { userId: input.user.id, username: input.user.username, ip: input.ip }, { kind: "auth", action: "sign-out" });
}
