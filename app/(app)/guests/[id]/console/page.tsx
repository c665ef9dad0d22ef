"use client";

import { useParams } from "next/navigation";
import { GuestConsolePage } from "@/components/console/guest-console-page";

export default function GuestConsoleRoute() {
  const { id } = useParams<{ id: string }>();
  return <GuestConsolePage key={id} guestId={id} />;
}
