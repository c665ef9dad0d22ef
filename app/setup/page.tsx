import type { Metadata } from "next";
import { Suspense } from "react";
import { PublicShell } from "@/components/auth/public-shell";
import { SetupForm } from "@/components/auth/setup-form";
import { Loading } from "@/components/ui/states";

export const metadata: Metadata = { title: "First admin" };

export default function SetupPage() {
  return (
    <PublicShell title="Create the first admin" subtitle="Labdeck has no users yet. This account can add hosts and invite the rest of the team.">
      <Suspense fallback={<Loading />}>
        <SetupForm />
      </Suspense>
    </PublicShell>
  );
}
