"use client";

import { useParams } from "next/navigation";
import { HostStorage } from "@/components/storage/host-storage";

export default function HostStoragePage() {
  const { id } = useParams<{ id: string }>();
  return <HostStorage key={id} hostId={id} />;
}
