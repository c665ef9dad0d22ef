import { z } from "zod";

export const ROLES = ["viewer", "operator", "admin"] as const;
export const ZRole = z.enum(ROLES);
export type Role = z.infer<typeof ZRole>;

/** Who may call a procedure: "public" needs no session, the others a role at least that high. */
export type Access = "public" | Role;

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export function roleAllows(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

export function parseRole(value: string): Role {
  return ZRole.parse(value);
}
