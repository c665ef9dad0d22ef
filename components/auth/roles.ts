import type { Role } from "../api-types";

// Mirrors server/auth/roles.ts for hiding controls; the server checks every call anyway.
const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export const ROLES: readonly Role[] = ["viewer", "operator", "admin"];

export function roleAllows(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && RANK[role] >= RANK[needed];
}
