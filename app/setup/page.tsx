import type { Metadata } from "next";
import { Suspense } from "react";
import { SetupForm } from "@/components/auth/setup-form";
import { Loading } from "@/components/ui/states";

export const metadata: Metadata = { title: "First admin" };

export default function SetupPage() {
  return (
    <Suspense fallback={<Loading />}>
      <SetupForm />
    </Suspense>
  );
}
