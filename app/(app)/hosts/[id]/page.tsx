"use client";

import { useParams } from "next/navigation";
import { HostDetail } from "@/components/hosts/host-detail";

export default function HostPage() {
  const { id } = useParams<{ id: string }>();
  return <HostDetail key={id} hostId={id} />;
}
