"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useSession } from "../auth/session";
import { useTRPC } from "../trpc-provider";
import { Button } from "../ui/button";
import { cx } from "../ui/cx";
import { RoleBadge } from "./role-badge";
import { ThemeToggle } from "./theme-toggle";

const LINKS = [
  { href: "/", label: "Hosts", testId: "nav-hosts", admin: false },
  { href: "/guests", label: "Guests", testId: "nav-guests", admin: false },
  { href: "/network", label: "Network", testId: "nav-network", admin: false },
  { href: "/jobs", label: "Jobs", testId: "nav-jobs", admin: false },
  { href: "/audit", label: "Audit", testId: "nav-audit", admin: false },
  { href: "/users", label: "Users", testId: "nav-users", admin: true },
];

function isActive(pathname: string, href: string): boolean {
  if (href === "/") return pathname === "/" || pathname.startsWith("/hosts");
  return pathname === href || pathname.startsWith(`${href}/`);
}

export function TopNav() {
  const user = useSession();
  const pathname = usePathname();
  const router = useRouter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSettled: () => {
        queryClient.clear();
        router.replace("/sign-in");
      },
    }),
  );

  return (
    <header className="theme-fixed sticky top-0 z-10 border-b border-slate-800 bg-slate-900 text-slate-100">
      <div className="mx-auto flex h-11 max-w-7xl items-center gap-6 px-4">
        <Link href="/" className="font-semibold tracking-tight text-white">
          Labdeck
        </Link>
        <nav className="flex items-center gap-1">
          {LINKS.filter((l) => !l.admin || user.role === "admin").map((l) => (
            <Link
              key={l.href}
              href={l.href}
              data-testid={l.testId}
              className={cx(
                "rounded px-2.5 py-1 text-sm",
                isActive(pathname, l.href) ? "bg-slate-700 text-white" : "text-slate-300 hover:bg-slate-800 hover:text-white",
              )}
            >
              {l.label}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex items-center gap-2 text-sm">
          <span className="text-slate-300" data-testid="current-user">
            {user.username}
          </span>
          <RoleBadge role={user.role} testId="current-role" />
          <ThemeToggle />
          <Button size="sm" variant="inverse" pending={signOut.isPending} onClick={() => signOut.mutate()} data-testid="sign-out">
            Sign out
          </Button>
        </div>
      </div>
    </header>
  );
}
