// The role rule lives in lib/roles.ts, shared with the browser.
export { ROLES, ZRole, roleAllows, parseRole, type Role, type Access } from "../../lib/roles";
