import { z } from "zod";
import { ZRole } from "../../../lib/roles";

export const ZUsername = z.string().regex(/^[a-z][a-z0-9_.-]{1,31}$/, "2-32 lowercase letters, digits, _ . - starting with a letter");
export const ZPassword = z.string().min(10, "at least 10 characters").max(1024);
export const ZCreateUserInput = z.object({ username: ZUsername, password: ZPassword, role: ZRole });
export const ZSetRoleInput = z.object({ id: z.string().min(1).max(64), role: ZRole });
export const ZUserIdInput = z.object({ id: z.string().min(1).max(64) });
