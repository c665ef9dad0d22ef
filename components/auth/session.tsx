"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { Role, SessionUser } from "../api-types";
import { roleAllows } from "@/lib/roles";

const SessionContext = createContext<SessionUser | null>(null);

export function SessionProvider({ user, children }: { user: SessionUser; children: ReactNode }) {
  return <SessionContext.Provider value={user}>{children}</SessionContext.Provider>;
}

/** The signed-in user; only inside the guarded part of the app. */
export function useSession(): SessionUser {
  const user = useContext(SessionContext);
  if (!user) throw new Error("useSession outside the signed-in layout");
  return user;
}

export function useCan(needed: Role): boolean {
  return roleAllows(useSession().role, needed);
}
