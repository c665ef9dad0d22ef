"use client";

import { useParams } from "next/navigation";
import { EditGuest } from "@/components/guests/edit-guest";

export default function EditGuestPage() {
  const { id } = useParams<{ id: string }>();
  return <EditGuest key={id} guestId={id} />;
}
