import type { Metadata } from "next";
import { Suspense } from "react";
import { PublicShell } from "@/components/auth/public-shell";
import { SignInForm } from "@/components/auth/sign-in-form";
import { Loading } from "@/components/ui/states";

export const metadata: Metadata = { title: "Sign in" };

export default function SignInPage() {
  return (
    <PublicShell title="Sign in">
      <Suspense fallback={<Loading />}>
        <SignInForm />
      </Suspense>
    </PublicShell>
  );
}
