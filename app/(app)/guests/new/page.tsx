"use client";

import dynamic from "next/dynamic";
import { Loading } from "@/components/ui/states";

// Client-only: the wizard may be filled from sessionStorage (an import), which the server cannot see.
const NewGuest = dynamic(() => import("@/components/guests/new-guest").then((m) => m.NewGuest), { ssr: false, loading: () => <Loading /> });

export default function NewGuestPage() {
  return <NewGuest />;
}
