import type { ReactNode } from "react";
import { AuthGuard } from "@/components/auth/auth-guard";
import { TopNav } from "@/components/layout/top-nav";
import { ServerClockSync } from "@/components/ui/server-clock";

export default function SignedInLayout({ children }: { children: ReactNode }) {
  return (
    <AuthGuard>
      <ServerClockSync />
      <TopNav />
      <main className="mx-auto max-w-7xl px-4 py-5">{children}</main>
    </AuthGuard>
  );
}
