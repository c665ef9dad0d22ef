"use client";

import { useParams } from "next/navigation";
import { HostTools } from "@/components/hosts/host-tools";

export default function HostToolsPage() {
  const { id } = useParams<{ id: string }>();
  return <HostTools key={id} hostId={id} />;
}
