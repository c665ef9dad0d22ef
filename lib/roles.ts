import { z } from "zod";

// The roles of Labdeck's users, highest last. The server gates every procedure with
// roleAllows; the browser uses the same function only to hide controls a user cannot use
// (the server checks every call anyway).

export const ROLES = ["viewer", "operator", "admin"] as const;
export const ZRole = z.enum(ROLES);
export type Role = z.infer<typeof ZRole>;

/** Who may call a procedure: "public" needs no session, the others a role at least that high. */
export type Access = "public" | Role;

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** `role` is at least `needed`; no role (signed out) allows nothing. */
export function roleAllows(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && RANK[role] >= RANK[needed];
}

export function parseRole(value: string): Role {
  return ZRole.parse(value);
}
