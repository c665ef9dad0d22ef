"use client";

import { useParams } from "next/navigation";
import { HostNetwork } from "@/components/network/host-network";

export default function HostNetworkPage() {
  const { id } = useParams<{ id: string }>();
  return <HostNetwork key={id} hostId={id} />;
}
