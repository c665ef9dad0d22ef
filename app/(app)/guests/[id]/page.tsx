"use client";

import { useParams } from "next/navigation";
import { GuestDetail } from "@/components/guests/guest-detail";

export default function GuestPage() {
  const { id } = useParams<{ id: string }>();
  return <GuestDetail key={id} guestId={id} />;
}
