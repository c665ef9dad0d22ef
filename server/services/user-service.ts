import type { Db } from "../db";
import { auditEvent, type Actor } from "../audit/audit-writer";
import { LabdeckError } from "../errors";
import { hashPassword } from "../auth/password";
import type { Role } from "../../lib/roles";
import { endUserSessions, type SessionDeps } from "./auth-service";

// Team members. The last admin can be neither demoted nor removed: that would lock the
// team out of every admin action. A role change or a removal ends the user's sessions,
// consoles and subscriptions at once: nothing opened under the old role keeps working.

export async function listUsers(db: Db) {
  const users = await db.user.findMany({ orderBy: { username: "asc" } });
  return users.map((u) => ({ id: u.id, username: u.username, role: u.role as Role, createdAt: u.createdAt }));
}

export async function createUser(db: Db, actor: Actor, input: { username: string; password: string; role: Role }) {
  if (await db.user.findUnique({ where: { username: input.username } })) {
    throw new LabdeckError("CONFLICT", `username: "${input.username}" is taken`, { field: "username" });
  }
  const user = await db.user.create({
    data: { username: input.username, role: input.role, passwordHash: await hashPassword(input.password) },
  });
  await auditEvent(db, actor, { kind: "inventory", action: "user.create", details: { username: user.username, role: user.role } });
  return { id: user.id, username: user.username, role: user.role as Role, createdAt: user.createdAt };
}

async function assertNotLastAdmin(db: Db, userId: string): Promise<void> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  if (user.role !== "admin") return;
  if ((await db.user.count({ where: { role: "admin" } })) <= 1) {
    throw new LabdeckError("CONFLICT", `${user.username} is the last admin; make another admin first`);
  }
}

export async function setUserRole(d: SessionDeps, actor: Actor, input: { id: string; role: Role }) {
  const { db } = d;
  if (input.role !== "admin") await assertNotLastAdmin(db, input.id);
  const before = await db.user.findUniqueOrThrow({ where: { id: input.id } });
  const user = await db.user.update({ where: { id: input.id }, data: { role: input.role } });
  if (before.role !== user.role) await endUserSessions(d, user.id, "role-changed");
  await auditEvent(db, actor, { kind: "inventory", action: "user.set-role", details: { username: user.username, role: input.role } });
  return { id: user.id, username: user.username, role: user.role as Role, createdAt: user.createdAt };
}

export async function removeUser(d: SessionDeps, actor: Actor, input: { id: string }) {
  const { db } = d;
  await assertNotLastAdmin(db, input.id);
  const user = await db.user.delete({ where: { id: input.id } });
  await endUserSessions(d, user.id, "removed");
  await auditEvent(db, actor, { kind: "inventory", action: "user.remove", details: { username: user.username } });
}
