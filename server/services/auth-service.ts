import type { Db } from "../db";
import { auditEvent } from "../audit/audit-writer";
import { LabdeckError } from "../errors";
import { hashPassword, verifyPassword } from "../auth/password";
import { parseRole, type Role } from "../auth/roles";
import { checkSetupToken, consumeSetupToken } from "../auth/setup-token";
import { SESSION_TTL_MS, newSessionToken, sessionIdFromToken } from "../auth/session-token";

// Sign-in, sessions and the first admin. A failed sign-in says the same thing whether
// the user exists or not, and costs the same (a dummy hash is verified).

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
}

let dummyHash: Promise<string> | null = null;

export async function userCount(db: Db): Promise<number> {
  return db.user.count();
}

export async function createFirstAdmin(
  db: Db,
  input: { username: string; password: string; token?: string | undefined; isLocal: boolean; ip?: string | undefined },
): Promise<SessionUser> {
  if (!input.isLocal && !checkSetupToken(input.token)) {
    throw new LabdeckError("FORBIDDEN", "the first admin can be created only from the Labdeck machine itself or with the setup token printed in the server log");
  }
  const passwordHash = await hashPassword(input.password);
  // The count check and the insert share one transaction so two racing requests cannot both win.
  const user = await db.$transaction(async (tx) => {
    if ((await tx.user.count()) > 0) throw new LabdeckError("CONFLICT", "an admin already exists; sign in instead");
    return tx.user.create({ data: { username: input.username, passwordHash, role: "admin" } });
  });
  consumeSetupToken();
  await auditEvent(db, { userId: user.id, username: user.username, ip: input.ip }, { kind: "auth", action: "user.create-first-admin", details: { username: user.username } });
  return { id: user.id, username: user.username, role: "admin" };
}

export async function signIn(db: Db, input: { username: string; password: string; ip?: string | undefined }): Promise<{ token: string; user: SessionUser }> {
  const user = await db.user.findUnique({ where: { username: input.username } });
  const ok = user ? await verifyPassword(user.passwordHash, input.password) : await verifyPassword(await (dummyHash ??= hashPassword("not-a-password")), input.password);
  if (!user || !ok) {
    await auditEvent(db, { userId: null, username: input.username, ip: input.ip }, { kind: "auth", action: "sign-in", outcome: "failed" });
    throw new LabdeckError("UNAUTHENTICATED", "wrong user name or password");
  }
  const token = newSessionToken();
  await db.session.create({ data: { id: sessionIdFromToken(token), userId: user.id, expiresAt: new Date(Date.now() + SESSION_TTL_MS) } });
  await auditEvent(db, { userId: user.id, username: user.username, ip: input.ip }, { kind: "auth", action: "sign-in" });
  return { token, user: { id: user.id, username: user.username, role: parseRole(user.role) } };
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

export async function signOut(db: Db, input: { sessionId: string; user: SessionUser; ip?: string | undefined }): Promise<void> {
  await db.session.deleteMany({ where: { id: input.sessionId } });
  await auditEvent(db, { userId: input.user.id, username: input.user.username, ip: input.ip }, { kind: "auth", action: "sign-out" });
}
